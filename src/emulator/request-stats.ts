// RM requests counted by what they ask (GET /emulator/stats): a benchmark reads how many calls of
// each kind a client made per job or per tracker tick. Counts only; a list call also by its query
// (the tracker's two list queries tell apart), with values that change on every call
// (finishedTimeBegin, startedTime…) reduced to the parameter's name.

export type RmOperation =
  | 'new-application' | 'submit' | 'list' | 'get-app' | 'get-state' | 'kill' | 'cluster-info' | 'scheduler'
  | 'cluster-metrics' | 'is-active' | 'node-logs' | 'other';

const APPS = '/ws/v1/cluster/apps';
/** Query parameters whose value is a moment: counted by name only. */
const TIME_PARAMS = new Set(['startedTimeBegin', 'startedTimeEnd', 'finishedTimeBegin', 'finishedTimeEnd']);

export function classify(method: string, path: string): RmOperation {
  const p = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  if (p === `${APPS}/new-application`) return method === 'POST' ? 'new-application' : 'other';
  if (p === APPS) return method === 'POST' ? 'submit' : method === 'GET' ? 'list' : 'other';
  if (p.startsWith(`${APPS}/`)) {
    const rest = p.slice(APPS.length + 1);
    if (!rest.includes('/')) return method === 'GET' ? 'get-app' : 'other';
    if (rest.endsWith('/state')) return method === 'PUT' ? 'kill' : method === 'GET' ? 'get-state' : 'other';
    return 'other';
  }
  if (p === '/ws/v1/cluster' || p === '/ws/v1/cluster/info') return 'cluster-info';
  if (p === '/ws/v1/cluster/scheduler') return 'scheduler';
  if (p === '/ws/v1/cluster/metrics') return 'cluster-metrics';
  if (p === '/isActive') return 'is-active';
  if (p.startsWith('/ws/v1/node/')) return 'node-logs';
  return 'other';
}

/** A list call's query with its moments reduced to names, keys sorted: "applicationTags=sluice&finishedTimeBegin&states=…". */
export function listQueryKey(rawQuery: string): string {
  const q = new URLSearchParams(rawQuery);
  const parts: string[] = [];
  for (const [k, v] of q) parts.push(TIME_PARAMS.has(k) ? k : `${k}=${v}`);
  return parts.sort().join('&');
}

export interface RequestStatsView {
  /** Since start (or the last reset), by operation. */
  requests: Record<string, number>;
  /** List calls by their query (see listQueryKey). */
  lists: Record<string, number>;
  total: number;
}

export class RequestStats {
  private byOperation = new Map<RmOperation, number>();
  private byListQuery = new Map<string, number>();
  private total = 0;

  record(method: string, rawUrl: string): void {
    const q = rawUrl.indexOf('?');
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const op = classify(method, path);
    this.total++;
    this.byOperation.set(op, (this.byOperation.get(op) ?? 0) + 1);
    if (op === 'list') {
      const key = listQueryKey(q < 0 ? '' : rawUrl.slice(q + 1));
      this.byListQuery.set(key, (this.byListQuery.get(key) ?? 0) + 1);
    }
  }

  view(): RequestStatsView {
    return { requests: Object.fromEntries(this.byOperation), lists: Object.fromEntries(this.byListQuery), total: this.total };
  }

  reset(): void {
    this.byOperation = new Map();
    this.byListQuery = new Map();
    this.total = 0;
  }
}
