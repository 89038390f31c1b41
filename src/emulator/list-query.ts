// GET /apps query string → AppListQuery, with ApplicationsRequestBuilder's and
// WebServices.parseQueries' rules: comma lists (and repeated keys), trimmed and lowercased, states
// checked against YarnApplicationState, numbers checked, each failure a 400 BadRequestException.

import type { AppListQuery } from './app-registry.ts';
import { RestErrorResponse, restErrors } from './remote-exception.ts';

const YARN_STATES = ['NEW', 'NEW_SAVING', 'SUBMITTED', 'ACCEPTED', 'RUNNING', 'FINISHED', 'FAILED', 'KILLED'];

function parseQueries(values: string[], isState: boolean): Set<string> {
  const out = new Set<string>();
  for (const value of values) {
    for (const part of value.split(',')) {
      const p = part.trim();
      if (!p) continue;
      if (isState && !YARN_STATES.includes(p.toUpperCase())) {
        throw new RestErrorResponse(restErrors.badRequest(
          `Invalid application-state ${p} specified. It should be one of [${YARN_STATES.join(', ')}]`));
      }
      out.add(p.toLowerCase());
    }
  }
  return out;
}

function parseLong(q: URLSearchParams, name: string, queryName: string, fallback: number): number {
  const raw = q.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^[+-]?\d+$/.test(raw)) throw new RestErrorResponse(restErrors.badRequest(`${queryName} value must be a number!`));
  return Number(raw);
}

function badRequest(message: string): never {
  throw new RestErrorResponse(restErrors.badRequest(message));
}

export function parseListQuery(q: URLSearchParams): AppListQuery {
  const limitRaw = q.get('limit');
  let limit: number | null = null;
  if (limitRaw !== null && limitRaw !== '') {
    limit = parseLong(q, 'limit', 'limit', 0);
    if (limit <= 0) badRequest('limit value must be greater then 0');
  }
  const startedTimeBegin = parseLong(q, 'startedTimeBegin', 'startedTimeBegin', 0);
  const startedTimeEnd = parseLong(q, 'startedTimeEnd', 'startedTimeEnd', Number.MAX_SAFE_INTEGER);
  const finishedTimeBegin = parseLong(q, 'finishedTimeBegin', 'finishedTimeBegin', 0);
  const finishedTimeEnd = parseLong(q, 'finishedTimeEnd', 'finishedTimeEnd', Number.MAX_SAFE_INTEGER);
  if (startedTimeBegin < 0) badRequest('startedTimeBegin must be greater than 0');
  if (startedTimeEnd < 0) badRequest('startedTimeEnd must be greater than 0');
  if (startedTimeBegin > startedTimeEnd) badRequest('startedTimeEnd must be greater than startTimeBegin');
  if (finishedTimeBegin < 0) badRequest('finishTimeBegin must be greater than 0');
  if (finishedTimeEnd < 0) badRequest('finishTimeEnd must be greater than 0');
  if (finishedTimeBegin > finishedTimeEnd) badRequest('finishTimeEnd must be greater than finishTimeBegin');
  const user = q.get('user');
  return {
    // `state` is the deprecated single-state form; both are honoured.
    states: parseQueries([...q.getAll('states'), ...q.getAll('state')], true),
    tags: parseQueries(q.getAll('applicationTags'), false),
    users: new Set(user ? [user] : []),
    applicationTypes: parseQueries(q.getAll('applicationTypes'), false),
    startedTimeBegin,
    startedTimeEnd,
    finishedTimeBegin,
    finishedTimeEnd,
    limit,
  };
}
