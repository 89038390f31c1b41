// The documented schemas of the streaming routes (events.ts: Server-Sent Events; logs.ts: plain
// text), kept apart from their handlers. Their handlers read the query and headers themselves, so
// these are documentOnly: Fastify doesn't check them, /openapi.json shows them.

import { z } from 'zod';
import { jobIdParams, text, v1Errors } from '../openapi.ts';
import { documentOnly } from '../validation.ts';

const lastEventId = documentOnly(z.object({
  'Last-Event-ID': z.string().optional().describe('resume after this event id (the `id:` of the last event seen); one that is not an event id of the stream is a 400'),
}));

const events = (what: string) => text(`${what}. Each event: \`id:\` (the stream id, for Last-Event-ID), \`event:\` (its type), \`data:\` (the event as JSON: `
  + '`{id, type: "job.state_changed", jobId, region, from, to, at, application}` or `{id, type: "region.health_changed", region, from, to, at}` '
  + 'or `{id, type: "region.rollout_changed", region, from, to, version, by, reason, at}` (modes; the whole setting is in the rollout history)). '
  + 'Comment lines (`: heartbeat`) keep the connection open.', 'text/event-stream');

export const jobEventsSchema = {
  summary: "a job's events (Server-Sent Events)",
  params: jobIdParams,
  headers: lastEventId,
  response: {
    200: events("The job's events, replayed from the start (or after Last-Event-ID), then live; the stream ends after the terminal event. "
      + 'A finished job whose event stream has expired gets one `job.snapshot` event instead: '
      + `\`{type: "job.snapshot", jobId, region, state, at, job}\` with \`job\` a Job`),
    204: z.undefined().describe('resumed at or after the terminal event: nothing more will come (an EventSource stops reconnecting)'),
    ...v1Errors('INVALID_LAST_EVENT_ID', 'JOB_NOT_FOUND', 'TOO_MANY_STREAMS'),
  },
};

export const allEventsSchema = {
  summary: 'all events of the regions this token may use (Server-Sent Events)',
  querystring: documentOnly(z.object({ region: z.string().optional().describe("only this region's events") })),
  headers: lastEventId,
  response: {
    200: events('Live events, or those after Last-Event-ID first; the stream does not end'),
    ...v1Errors('UNKNOWN_REGION', 'INVALID_LAST_EVENT_ID', 'FORBIDDEN_REGION', 'TOO_MANY_STREAMS'),
  },
};

/** GET /v1/jobs/{id}/logs, with the query schema its handler parses. */
export function logsSchema(query: z.ZodType) {
  return {
    summary: "the job container's output, read by the region's worker",
    params: jobIdParams,
    querystring: documentOnly(query),
    response: {
      200: text('the file so far; with follow=true, streamed until the job has ended', 'text/plain'),
      ...v1Errors('INVALID_REQUEST', 'JOB_NOT_FOUND', 'LOGS_NOT_FOUND', 'YARN_ERROR', 'WORKER_UNAVAILABLE', 'TOO_MANY_STREAMS'),
    },
  };
}
