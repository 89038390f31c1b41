// The typed client of Sluice's HTTP API (ARCHITECTURE.md, "HTTP API, v1"): what the `sluice`
// command, the integration tests and a Node scheduler use. A scheduler submits and awaits a job in
// a few lines:
//
//   const sluice = new SluiceClient({ url: process.env.SLUICE_URL!, token: process.env.SLUICE_TOKEN });
//   const { job } = await sluice.submit(spec, { idempotencyKey: `${dag}/${task}/${runDate}` });
//   const done = await sluice.waitForJob(job.id);   // SUCCEEDED | FAILED | KILLED | SHADOWED
//
// Calls that may be repeated are tried again on 429/502/503/504 (waiting what Retry-After asks) and
// on a failed connection; a submit only with an Idempotency-Key (retry-policy.ts, http-transport.ts).

import type { Dispatcher } from 'undici';
import { TERMINAL_STATES } from '../jobs/index.ts';
import { CONNECTION_FAILURES, SluiceConnectionError } from './errors.ts';
import { eventStream } from './event-stream.ts';
import { HttpTransport, type TransportOptions } from './http-transport.ts';
import { backoffMs, sleep } from './retry-policy.ts';
import type {
  AdoptionQuery, AdoptionReport, Job, JobEvent, JobSpecInput, ListJobsQuery, RegionView, RolloutChange,
  RolloutChangeResult, RolloutDecision, RolloutDecisionQuery, RolloutHistoryEntry, RolloutView, SluiceEvent,
  CreatedWebhook, WebhookInput, WebhookSubscription, WebhookSubscriptionDetail,
} from './types.ts';

export interface SluiceClientOptions {
  /** Sluice's base URL, e.g. http://127.0.0.1:8080 (a path prefix is kept). */
  url: string;
  /** The bearer token. Never logged, never in an error message. */
  token?: string;
  /**
   * Retries of a call that may be repeated, on 429/502/503/504 and on connection errors (a submit
   * only with an idempotencyKey, or when the request never left). Default 5: against a dead server
   * a call gives up within about 3 s (retry-policy.ts).
   */
  retries?: number;
  /** Per request, until the answer's headers (the whole answer for JSON calls); not applied to streams' bodies. Default 30 s. */
  timeoutMs?: number;
  dispatcher?: Dispatcher;
  userAgent?: string;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export const DEFAULT_RETRIES = 5;
export const DEFAULT_TIMEOUT_MS = 30_000;

/** True for SUCCEEDED, FAILED, KILLED and SHADOWED: the job never changes again. */
export function isTerminalState(state: string): boolean {
  return (TERMINAL_STATES as readonly string[]).includes(state);
}

/** Appended to a keyless submit's connection error once the request may have reached Sluice. */
const SUBMIT_OUTCOME_UNKNOWN = 'the request was sent, so its outcome is unknown: the job may have been created. '
  + 'It was not tried again, as that could make a second job; submit with an Idempotency-Key (idempotencyKey), '
  + 'which makes a retry safe';

const isLastJobEvent = (e: JobEvent): boolean => e.type === 'job.snapshot' || (e.type === 'job.state_changed' && isTerminalState(e.to));

export class SluiceClient {
  private readonly http: HttpTransport;
  private readonly retries: number;

  constructor(opts: SluiceClientOptions) {
    const compiled = compileOptions(opts);
    this.http = new HttpTransport(compiled);
    this.retries = compiled.retries;
  }

  /** Sluice's base URL as errors show it. */
  get url(): string {
    return this.http.url;
  }

  /**
   * POST /v1/jobs. `created` is false when the idempotencyKey named a job already there (200) —
   * which may be one an earlier try of this same call created, if its answer was lost on the way.
   * Without a key it is tried again only when the request never left; a SluiceConnectionError after
   * it may have reached Sluice says that the job may have been created.
   */
  async submit(spec: JobSpecInput, opts: { idempotencyKey?: string; signal?: AbortSignal } = {}): Promise<{ job: Job; created: boolean }> {
    const key = opts.idempotencyKey;
    try {
      const { status, body } = await this.http.json<Job>({
        method: 'POST',
        path: '/v1/jobs',
        body: spec,
        headers: key ? { 'idempotency-key': key } : {},
        retry: key ? 'idempotent' : 'unsent-only',
        signal: opts.signal,
      });
      return { job: body, created: status === 202 };
    } catch (err) {
      // Without a key, a failure after the request may have reached Sluice is not tried again
      // (that could make a second job): the caller must know the job may exist all the same.
      if (!key && err instanceof SluiceConnectionError && !CONNECTION_FAILURES[err.failure].unsent) throw err.withNote(SUBMIT_OUTCOME_UNKNOWN);
      throw err;
    }
  }

  getJob(id: string, opts: CallOptions = {}): Promise<Job> {
    return this.get<Job>(`/v1/jobs/${segment(id)}`, opts);
  }

  /** GET /v1/jobs, newest first; pass `nextCursor` back as `cursor` for the next page. */
  listJobs(q: ListJobsQuery = {}, opts: CallOptions = {}): Promise<{ jobs: Job[]; nextCursor: string | null }> {
    return this.get(`/v1/jobs${query({ region: q.region, state: q.state, label: q.label, limit: q.limit, cursor: q.cursor })}`, opts);
  }

  /** POST /v1/jobs/{id}/cancel: the job CANCELLING (or already ended, unchanged). Safe to repeat. */
  async cancel(id: string, reason?: string, opts: CallOptions = {}): Promise<Job> {
    const { body } = await this.http.json<Job>({
      method: 'POST',
      path: `/v1/jobs/${segment(id)}/cancel`,
      body: reason === undefined ? {} : { reason },
      retry: 'idempotent',
      signal: opts.signal,
    });
    return body;
  }

  /**
   * The job's events, from the first (or after `lastEventId`), live until its terminal event; ends
   * after that event, or at once if `lastEventId` was the terminal one (204). A dropped connection
   * is resumed with Last-Event-ID: no event is missed or repeated.
   */
  events(id: string, opts: { lastEventId?: string; signal?: AbortSignal } = {}): AsyncIterable<JobEvent> {
    return eventStream<JobEvent>({
      transport: this.http,
      path: `/v1/jobs/${segment(id)}/events`,
      lastEventId: opts.lastEventId,
      signal: opts.signal,
      retries: this.retries,
      isLast: isLastJobEvent,
    });
  }

  /** Every event of the regions the token may use (or of one region), live; never ends by itself. */
  allEvents(opts: { region?: string; lastEventId?: string; signal?: AbortSignal } = {}): AsyncIterable<SluiceEvent> {
    return eventStream<SluiceEvent>({
      transport: this.http,
      path: `/v1/events${query({ region: opts.region })}`,
      lastEventId: opts.lastEventId,
      signal: opts.signal,
      retries: this.retries,
      isLast: () => false,
    });
  }

  /**
   * Follows the job's events until it has ended, then reads it: resolves with the terminal job.
   * `onEvent` sees every event of the job, from its first.
   */
  async waitForJob(id: string, opts: { signal?: AbortSignal; onEvent?: (e: JobEvent) => void } = {}): Promise<Job> {
    let lastEventId: string | undefined;
    for (let pass = 1; ; pass++) {
      for await (const event of this.events(id, { lastEventId, signal: opts.signal })) {
        if (event.type === 'job.state_changed') lastEventId = event.id;
        opts.onEvent?.(event);
      }
      const job = await this.getJob(id, opts);
      if (isTerminalState(job.state)) return job;
      // The stream ended, the job not yet (the stream's end and the record are written apart):
      // watch again from where it stopped.
      await sleep(backoffMs(pass), opts.signal);
    }
  }

  /**
   * The job's stdout (or stderr) as text chunks. With `follow`, live until the job has ended. A
   * connection cut midway is resumed without repeating text: the API always answers from the
   * file's start, and what was delivered already is skipped. `application`: one of the job's
   * childApplications (e.g. a spark job's Spark application: its driver's output) instead of the job's own.
   */
  async *logs(id: string, opts: { file?: 'stdout' | 'stderr'; follow?: boolean; application?: string; signal?: AbortSignal } = {}): AsyncIterable<string> {
    const { signal } = opts;
    const follow = opts.follow ?? false;
    const path = `/v1/jobs/${segment(id)}/logs${query({ file: opts.file ?? 'stdout', follow: follow ? 'true' : undefined, application: opts.application })}`;
    // One decoder for all connections: the bytes skipped on a resume are exactly those it was fed.
    const decoder = new TextDecoder();
    let delivered = 0;
    let failures = 0;
    for (;;) {
      const res = await this.http.open({
        method: 'GET', path, retry: 'idempotent', signal,
        // A followed log is silent while the job writes nothing; a plain read is bounded like any call.
        stream: { idleMs: follow ? 0 : this.http.timeoutMs, accept: 'text/plain' },
      });
      let skip = delivered;
      let progressed = false;
      let dropped: unknown;
      try {
        for await (const raw of res.body) {
          let chunk = raw;
          if (skip > 0) {
            const n = Math.min(skip, chunk.length);
            skip -= n;
            chunk = chunk.subarray(n);
            if (!chunk.length) continue;
          }
          delivered += chunk.length;
          progressed = true;
          const text = decoder.decode(chunk, { stream: true });
          if (text) yield text;
        }
      } catch (err) {
        dropped = this.http.streamFailure(signal, err);
        if (signal?.aborted) throw dropped;
      } finally {
        res.close();
      }
      // A follow also ends early, cleanly, when the API's read fails: it is over only once the job is.
      if (!dropped && (!follow || isTerminalState((await this.getJob(id, { signal })).state))) {
        const rest = decoder.decode();
        if (rest) yield rest;
        return;
      }
      if (progressed) failures = 0;
      failures += 1;
      if (failures > this.retries) {
        throw dropped ?? new SluiceConnectionError(this.http.url, 'CLOSED', `the log follow of ${id} kept ending before the job did`);
      }
      await sleep(backoffMs(failures), signal);
    }
  }

  /** GET /v1/regions: each region the token may use, with rollout, health and queue counts. */
  async regions(opts: CallOptions = {}): Promise<RegionView[]> {
    return (await this.get<{ regions: RegionView[] }>('/v1/regions', opts)).regions;
  }

  rollout(region: string, opts: CallOptions = {}): Promise<RolloutView> {
    return this.get(`/v1/regions/${segment(region)}/rollout`, opts);
  }

  /** PUT /v1/regions/{name}/rollout (admin). Repeating the same change records nothing: safe to retry. */
  async setRollout(region: string, change: RolloutChange, opts: CallOptions = {}): Promise<RolloutChangeResult> {
    const { body } = await this.http.json<RolloutChangeResult>({
      method: 'PUT', path: `/v1/regions/${segment(region)}/rollout`, body: change, retry: 'idempotent', signal: opts.signal,
    });
    return body;
  }

  async rolloutHistory(region: string, opts: { limit?: number; signal?: AbortSignal } = {}): Promise<RolloutHistoryEntry[]> {
    const path = `/v1/regions/${segment(region)}/rollout/history${query({ limit: opts.limit })}`;
    return (await this.get<{ history: RolloutHistoryEntry[] }>(path, opts)).history;
  }

  rolloutDecision(region: string, q: RolloutDecisionQuery, opts: CallOptions = {}): Promise<RolloutDecision> {
    return this.get(`/v1/regions/${segment(region)}/rollout/decision${query({ ...q })}`, opts);
  }

  adoption(q: AdoptionQuery, opts: CallOptions = {}): Promise<AdoptionReport> {
    return this.get(`/v1/analytics/adoption${query({ ...q })}`, opts);
  }

  /**
   * POST /v1/webhooks (admin). The answer holds the signing secret, shown only this once. Not
   * retried once sent: a lost answer could leave a subscription whose secret nobody has.
   */
  async createWebhook(input: WebhookInput, opts: CallOptions = {}): Promise<CreatedWebhook> {
    const { body } = await this.http.json<CreatedWebhook>({ method: 'POST', path: '/v1/webhooks', body: input, retry: 'unsent-only', signal: opts.signal });
    return body;
  }

  /** GET /v1/webhooks (admin): every subscription, without secrets. */
  async listWebhooks(opts: CallOptions = {}): Promise<WebhookSubscription[]> {
    return (await this.get<{ webhooks: WebhookSubscription[] }>('/v1/webhooks', opts)).webhooks;
  }

  /** GET /v1/webhooks/{id} (admin): with its last attempts, newest first. */
  getWebhook(id: string, opts: CallOptions = {}): Promise<WebhookSubscriptionDetail> {
    return this.get(`/v1/webhooks/${segment(id)}`, opts);
  }

  async deleteWebhook(id: string, opts: CallOptions = {}): Promise<void> {
    // Not retried once sent: a retry after it worked would answer 404.
    await this.http.json({ method: 'DELETE', path: `/v1/webhooks/${segment(id)}`, retry: 'unsent-only', signal: opts.signal });
  }

  /** POST /v1/webhooks/{id}/test (admin): queues a `webhook.test` message; its id shows in the attempts. */
  async testWebhook(id: string, opts: CallOptions = {}): Promise<{ subscriptionId: string; webhookId: string }> {
    const { body } = await this.http.json<{ subscriptionId: string; webhookId: string }>({
      method: 'POST', path: `/v1/webhooks/${segment(id)}/test`, body: {}, retry: 'unsent-only', signal: opts.signal,
    });
    return body;
  }

  /** PATCH /v1/webhooks/{id} {enabled: true} (admin): re-enabled, failures reset. Safe to repeat. */
  async enableWebhook(id: string, opts: CallOptions = {}): Promise<WebhookSubscription> {
    const { body } = await this.http.json<WebhookSubscription>({
      method: 'PATCH', path: `/v1/webhooks/${segment(id)}`, body: { enabled: true }, retry: 'idempotent', signal: opts.signal,
    });
    return body;
  }

  private async get<T>(path: string, opts: CallOptions): Promise<T> {
    return (await this.http.json<T>({ method: 'GET', path, retry: 'idempotent', signal: opts.signal })).body;
  }
}

/** Options → checked, defaulted, frozen. Messages never echo the token. */
function compileOptions(opts: SluiceClientOptions): TransportOptions {
  let url: URL;
  try {
    url = new URL(opts.url);
  } catch {
    throw new TypeError(`the Sluice URL "${opts.url}" is not a URL (e.g. http://127.0.0.1:8080)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`the Sluice URL must be http or https, not ${url.protocol}`);
  if (url.username || url.password) throw new TypeError('the Sluice URL must not carry a user or password: give the token as `token`');
  if (url.search || url.hash) throw new TypeError('the Sluice URL must not carry a query or fragment');
  const base = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  const retries = opts.retries ?? DEFAULT_RETRIES;
  if (!Number.isInteger(retries) || retries < 0) throw new TypeError(`retries must be a whole number ≥ 0, not ${retries}`);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new TypeError(`timeoutMs must be a number > 0, not ${timeoutMs}`);
  return Object.freeze({
    url: base,
    token: opts.token || undefined,
    retries,
    timeoutMs,
    dispatcher: opts.dispatcher,
    userAgent: opts.userAgent ?? `sluice-client (node ${process.version})`,
  });
}

/** A path segment: an id or region name can never reach another route. */
function segment(value: string): string {
  if (!value) throw new TypeError('an id or region name must not be empty');
  return encodeURIComponent(value);
}

function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') q.set(key, String(value));
  const text = q.toString();
  return text ? `?${text}` : '';
}
