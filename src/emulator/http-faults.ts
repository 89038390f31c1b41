// Test controls that sit in front of every route: the request counter, added latency and injected
// failures. They see every request, including ones no route matches and ones a standby redirects.

export interface InjectedFailure {
  method?: string;
  pathPrefix?: string;
  status: number;
  body?: string;
  times: number;
}

export class HttpFaults {
  /** Requests seen, by method and path: a count per pair, so a long run costs no memory per request. */
  private readonly seen = new Map<string, { method: string; path: string; n: number }>();
  private readonly failures: InjectedFailure[] = [];
  latencyMs: number;
  /** Latency for one route only (method + exact path), on top of latencyMs: lets a test hold one step. */
  routeLatency: { method: string; path: string; ms: number } | null = null;

  constructor(latencyMs: number) {
    this.latencyMs = latencyMs;
  }

  delayFor(method: string, path: string): number {
    const r = this.routeLatency;
    return this.latencyMs + (r && r.method === method && r.path === path ? r.ms : 0);
  }

  record(method: string, path: string): void {
    const key = `${method} ${path}`;
    const entry = this.seen.get(key);
    if (entry) entry.n++;
    else this.seen.set(key, { method, path, n: 1 });
  }

  count(filter: { method?: string; path?: string } = {}): number {
    const method = filter.method?.toUpperCase();
    let n = 0;
    for (const r of this.seen.values()) if ((!method || r.method === method) && (!filter.path || r.path === filter.path)) n += r.n;
    return n;
  }

  resetCount(): void {
    this.seen.clear();
  }

  inject(f: InjectedFailure): void {
    if (!Number.isInteger(f.times) || f.times < 1) throw new Error('injectFailure: times must be an integer ≥ 1');
    if (!Number.isInteger(f.status) || f.status < 100 || f.status > 599) throw new Error('injectFailure: bad status');
    this.failures.push({ ...f, method: f.method?.toUpperCase() });
  }

  clear(): void {
    this.failures.length = 0;
  }

  /** The first injected failure matching the request, used up by one. */
  take(method: string, path: string): InjectedFailure | undefined {
    const i = this.failures.findIndex((f) =>
      (!f.method || f.method === method) && (!f.pathPrefix || path.startsWith(f.pathPrefix)));
    if (i < 0) return undefined;
    const f = this.failures[i] as InjectedFailure;
    if (--f.times === 0) this.failures.splice(i, 1);
    return f;
  }
}
