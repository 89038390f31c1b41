// Failed admin logins counted per client address: after `maxFailures` within `windowMs`, the
// address's logins are refused (429 TOO_MANY_LOGINS with Retry-After) until the window ends, so
// admin tokens can't be guessed at speed. Successful logins don't count. In memory, per API process:
// with N processes behind a balancer an address gets up to N × maxFailures tries per window.
//
// Written by hand rather than with @fastify/rate-limit: that plugin is not a dependency (adding one
// for this is not worth it), and it counts requests as they arrive, in onRequest, before the outcome
// is known; counting only failures would mean working around it.
//
// The address is Fastify's request.ip: behind a proxy every client shares the proxy's address
// unless Fastify's trustProxy is set.

export interface LoginLimiterOptions {
  maxFailures: number;
  windowMs: number;
  /** Addresses remembered at most; beyond it the oldest are forgotten (a bound, not a policy). */
  maxAddresses?: number;
  now?: () => number;
}

interface Window {
  startedAt: number;
  failures: number;
}

export class LoginLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly maxAddresses: number;
  private readonly now: () => number;

  constructor(private readonly opts: LoginLimiterOptions) {
    this.maxAddresses = opts.maxAddresses ?? 100_000;
    this.now = opts.now ?? Date.now;
  }

  /** Seconds the address must wait before trying again, or 0 when it may try now. */
  retryAfterSeconds(ip: string): number {
    const w = this.current(ip);
    if (!w || w.failures < this.opts.maxFailures) return 0;
    return Math.max(1, Math.ceil((w.startedAt + this.opts.windowMs - this.now()) / 1000));
  }

  recordFailure(ip: string): void {
    let w = this.current(ip);
    if (!w) {
      if (this.windows.size >= this.maxAddresses) this.prune();
      w = { startedAt: this.now(), failures: 0 };
      this.windows.set(ip, w);
    }
    w.failures++;
  }

  /** The address's window, if one is still open (an ended one is forgotten). */
  private current(ip: string): Window | undefined {
    const w = this.windows.get(ip);
    if (w && this.now() - w.startedAt >= this.opts.windowMs) {
      this.windows.delete(ip);
      return undefined;
    }
    return w;
  }

  /** Forgets ended windows; if that frees nothing, the oldest (the Map keeps insertion order). */
  private prune(): void {
    const now = this.now();
    for (const [ip, w] of this.windows) if (now - w.startedAt >= this.opts.windowMs) this.windows.delete(ip);
    if (this.windows.size >= this.maxAddresses) this.windows.delete(this.windows.keys().next().value!);
  }
}
