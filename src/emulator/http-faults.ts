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
  private readonly seen: Array<{ method: string; path: string }> = [];
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
    this.seen.push({ method, path });
  }

  count(filter: { method?: string; path?: string } = {}): number {
    const method = filter.method?.toUpperCase();
    return this.seen.filter((r) => (!method || r.method === method) && (!filter.path || r.path === filter.path)).length;
  }

  resetCount(): void {
    this.seen.length = 0;
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
