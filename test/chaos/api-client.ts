// The scheduler's side: Sluice's HTTP API over real HTTP, as a careful client uses it. Every call
// has a deadline; a submit answered with anything but 202/200 is not accepted and is retried with
// the same Idempotency-Key (so it is accepted at most once); every answer's status and latency is
// recorded, to show how the API behaved during the Redis outage.

import { TOKEN } from './sluice-processes.ts';

const CALL_TIMEOUT_MS = 10_000;

export interface Answer {
  status: number; // 0: no answer (connection refused or reset, or the deadline passed)
  body: any;
  error?: string;
}

export interface CallRecord {
  at: number;
  ms: number;
  method: string;
  route: string;
  status: number;
  error?: string;
}

export class ApiClient {
  readonly calls: CallRecord[] = [];

  constructor(private readonly base: string) {}

  async call(method: string, path: string, opts: { body?: unknown; headers?: Record<string, string>; route?: string } = {}): Promise<Answer> {
    const started = Date.now();
    const headers: Record<string, string> = { authorization: `Bearer ${TOKEN}`, ...opts.headers };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const route = opts.route ?? `${method} ${path}`;
    try {
      const res = await fetch(`${this.base}${path}`, {
        method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
      const text = await res.text();
      let body: unknown = text;
      try { body = JSON.parse(text); } catch { /* not JSON */ }
      this.calls.push({ at: started, ms: Date.now() - started, method, route, status: res.status });
      return { status: res.status, body };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      const error = e.name === 'TimeoutError' ? `no answer within ${CALL_TIMEOUT_MS} ms` : (e.cause?.code ?? e.message);
      this.calls.push({ at: started, ms: Date.now() - started, method, route, status: 0, error });
      return { status: 0, body: null, error };
    }
  }

  /**
   * POST /v1/jobs until 202/200 or `giveUpMs`: 503, 5xx, 429 and no answer are retried with the same
   * key. Any other answer (a 4xx) is final: the job is refused.
   */
  async submit(spec: unknown, idempotencyKey: string, giveUpMs: number): Promise<{ accepted: boolean; status: number; job?: any; attempts: number; refusals: number[] }> {
    const deadline = Date.now() + giveUpMs;
    const refusals: number[] = [];
    let backoff = 200;
    for (let attempt = 1; ; attempt++) {
      const a = await this.call('POST', '/v1/jobs', { body: spec, headers: { 'idempotency-key': idempotencyKey }, route: 'POST /v1/jobs' });
      if (a.status === 202 || a.status === 200) return { accepted: true, status: a.status, job: a.body, attempts: attempt, refusals };
      refusals.push(a.status);
      const retryable = a.status === 0 || a.status === 429 || a.status >= 500;
      if (!retryable || Date.now() + backoff > deadline) return { accepted: false, status: a.status, attempts: attempt, refusals };
      await new Promise((r) => setTimeout(r, backoff));
      backoff = Math.min(backoff * 2, 2000);
    }
  }

  /** POST /v1/jobs/{id}/cancel until 202/200 (or another final answer) or `giveUpMs`. */
  async cancel(id: string, giveUpMs: number): Promise<Answer> {
    const deadline = Date.now() + giveUpMs;
    let backoff = 200;
    for (;;) {
      const a = await this.call('POST', `/v1/jobs/${id}/cancel`, { body: { reason: 'chaos' }, route: 'POST /v1/jobs/{id}/cancel' });
      const retryable = a.status === 0 || a.status === 429 || a.status >= 500;
      if (!retryable || Date.now() + backoff > deadline) return a;
      await new Promise((r) => setTimeout(r, backoff));
      backoff = Math.min(backoff * 2, 2000);
    }
  }

  getJob(id: string): Promise<Answer> {
    return this.call('GET', `/v1/jobs/${id}`, { route: 'GET /v1/jobs/{id}' });
  }

  /** Every job carrying label key:value, through the list's cursor. */
  async listByLabel(key: string, value: string): Promise<any[]> {
    const jobs: any[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 1000; page++) {
      const q = new URLSearchParams({ label: `${key}:${value}`, limit: '500' });
      if (cursor) q.set('cursor', cursor);
      const a = await this.call('GET', `/v1/jobs?${q}`, { route: 'GET /v1/jobs' });
      if (a.status !== 200) throw new Error(`GET /v1/jobs?${q}: ${a.status} ${a.error ?? JSON.stringify(a.body)}`);
      jobs.push(...a.body.jobs);
      cursor = a.body.nextCursor;
      if (!cursor) break;
    }
    return jobs;
  }
}
