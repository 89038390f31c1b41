// One HTTP call to Sluice, tried again where that is safe (retry-policy.ts says when and how
// long to wait). Every call of the client goes through here, so retries, timeouts, aborts and the
// mapping to SluiceApiError / SluiceConnectionError are written once.

import type { IncomingHttpHeaders } from 'node:http';
import { request, type Dispatcher } from 'undici';
import {
  CONNECTION_FAILURES, connectionFailure, SluiceApiError, SluiceConnectionError, type SluiceIssue,
} from './errors.ts';
import { backoffMs, MAX_RETRY_AFTER_SECONDS, parseRetryAfter, RETRY_STATUSES, sleep } from './retry-policy.ts';

export interface TransportOptions {
  /** The base URL, no trailing slash, no user:password (errors show it). */
  readonly url: string;
  readonly token?: string | undefined;
  readonly retries: number;
  readonly timeoutMs: number;
  readonly dispatcher?: Dispatcher | undefined;
  readonly userAgent: string;
}

/**
 * - idempotent: repeating the call changes nothing (GET, cancel, PUT of a setting, a submit with an
 *   Idempotency-Key): tried again on 429/502/503/504, on a connection that failed or broke.
 * - unsent-only: a submit without a key. Tried again only when the request provably never left
 *   (refused, unreachable): a second try after Sluice may have seen it could make a second job.
 */
export type RetryMode = 'idempotent' | 'unsent-only';

export interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path and query, from the API's root: `/v1/jobs?limit=5`. */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  retry: RetryMode;
  signal?: AbortSignal | undefined;
}

export interface StreamCall extends Call {
  /**
   * A streamed answer (SSE, a followed log): timeoutMs bounds the wait for its headers only; the
   * body then lasts as long as it does, with at most `idleMs` between two chunks (0: no limit).
   */
  stream: { idleMs: number; accept: string };
}

/** A 2xx answer whose body is left to read. `close()` frees the connection; call it when done. */
export interface OpenResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: AsyncIterable<Buffer>;
  close(): void;
}

interface TextAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

type Failure = SluiceApiError | SluiceConnectionError;

/** Error bodies are read up to this many bytes: enough for any API error, bounded for a proxy's page. */
const MAX_ERROR_BODY = 64 * 1024;

export class HttpTransport {
  constructor(private readonly opts: TransportOptions) {}

  get url(): string {
    return this.opts.url;
  }

  get timeoutMs(): number {
    return this.opts.timeoutMs;
  }

  /** A JSON call: the parsed 2xx body (undefined for an empty one) and its status. */
  async json<T>(call: Call): Promise<{ status: number; body: T }> {
    const answer = await this.send(call, (c) => this.attemptText(c));
    if (answer.text.trim() === '') return { status: answer.status, body: undefined as T };
    try {
      return { status: answer.status, body: JSON.parse(answer.text) as T };
    } catch (err) {
      throw new SluiceConnectionError(this.opts.url, 'BAD_ANSWER', `HTTP ${answer.status} with a body that is not JSON: ${snippet(answer.text)}`, err);
    }
  }

  /** A 2xx text body, read whole (with the timeout guarding the whole call). */
  async text(call: Call): Promise<string> {
    return (await this.send(call, (c) => this.attemptText(c))).text;
  }

  /** A streamed call: the 2xx response with its body unread. */
  open(call: StreamCall): Promise<OpenResponse> {
    return this.send(call, (c) => this.attemptStream(c));
  }

  /** Maps an error met while reading an open body: the caller's abort as is, the rest as connection errors. */
  streamFailure(signal: AbortSignal | undefined, err: unknown): unknown {
    if (signal?.aborted) return signal.reason;
    if (err instanceof SluiceApiError || err instanceof SluiceConnectionError) return err;
    return new SluiceConnectionError(this.opts.url, connectionFailure(err), undefined, err);
  }

  private async send<C extends Call, A>(call: C, attempt: (call: C) => Promise<A | Failure>): Promise<A> {
    for (let n = 0; ; n++) {
      const outcome = await attempt(call);
      if (!(outcome instanceof SluiceApiError || outcome instanceof SluiceConnectionError)) return outcome;
      const waitMs = this.retryWait(call, outcome, n);
      if (waitMs === null) throw outcome;
      await sleep(waitMs, call.signal);
    }
  }

  /** How long to wait before trying `call` again after `err`, or null to give up. */
  private retryWait(call: Call, err: Failure, attempt: number): number | null {
    if (attempt >= this.opts.retries) return null;
    if (err instanceof SluiceConnectionError) {
      const kind = CONNECTION_FAILURES[err.failure];
      if (!kind.retry || (call.retry === 'unsent-only' && !kind.unsent)) return null;
      return backoffMs(attempt + 1);
    }
    if (call.retry !== 'idempotent' || !RETRY_STATUSES.has(err.status)) return null;
    const asked = err.retryAfterSeconds;
    if (asked === undefined || asked === 0) return backoffMs(attempt + 1);
    return asked > MAX_RETRY_AFTER_SECONDS ? null : asked * 1000;
  }

  private async attemptText(call: Call): Promise<TextAnswer | Failure> {
    const started = await this.start(call, false);
    if (!('res' in started)) return started;
    const { res, release } = started;
    try {
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      const text = await readText(res.body, ok ? Infinity : MAX_ERROR_BODY);
      return ok ? { status: res.statusCode, headers: res.headers, text } : this.apiError(res.statusCode, res.headers, text);
    } catch (err) {
      return this.failure(call, err);
    } finally {
      release();
      discard(res.body);
    }
  }

  private async attemptStream(call: StreamCall): Promise<OpenResponse | Failure> {
    const started = await this.start(call, true);
    if (!('res' in started)) return started;
    const { res, release, stopTimer } = started;
    if (res.statusCode >= 200 && res.statusCode < 300) {
      // The body may last: the timeout guarded the wait for its headers only.
      stopTimer();
      let closed = false;
      return {
        status: res.statusCode,
        headers: res.headers,
        body: res.body,
        close: () => {
          if (closed) return;
          closed = true;
          release();
          discard(res.body);
        },
      };
    }
    try {
      return this.apiError(res.statusCode, res.headers, await readText(res.body, MAX_ERROR_BODY));
    } catch (err) {
      return this.failure(call, err);
    } finally {
      release();
      discard(res.body);
    }
  }

  /**
   * Sends the request and waits for the headers. One controller per try: the caller's signal
   * aborts it, and so does the timeout, whose timer stops once it has nothing left to guard (at
   * a stream's 2xx headers, at `release()` otherwise): no timer outlives the call.
   */
  private async start(call: Call, stream: boolean): Promise<{ res: Dispatcher.ResponseData; release: () => void; stopTimer: () => void } | Failure> {
    const { signal } = call;
    signal?.throwIfAborted();
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => {
      controller.abort(new SluiceConnectionError(this.opts.url, 'TIMEOUT', `no answer within ${this.opts.timeoutMs} ms`));
    }, this.opts.timeoutMs);
    const release = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };

    const headers: Record<string, string> = {
      accept: (call as Partial<StreamCall>).stream?.accept ?? 'application/json',
      'user-agent': this.opts.userAgent,
      ...call.headers,
    };
    if (this.opts.token) headers.authorization = `Bearer ${this.opts.token}`;
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    try {
      const res = await request(`${this.opts.url}${call.path}`, {
        method: call.method,
        headers,
        body: call.body === undefined ? null : JSON.stringify(call.body),
        signal: controller.signal,
        ...(this.opts.dispatcher ? { dispatcher: this.opts.dispatcher } : {}),
        headersTimeout: this.opts.timeoutMs,
        bodyTimeout: stream ? (call as StreamCall).stream.idleMs : this.opts.timeoutMs,
      });
      return { res, release, stopTimer: () => clearTimeout(timer) };
    } catch (err) {
      release();
      return this.failure(call, err);
    }
  }

  /** The caller's abort is thrown as is; anything else on the wire becomes a SluiceConnectionError. */
  private failure(call: Call, err: unknown): SluiceConnectionError {
    if (call.signal?.aborted) throw call.signal.reason;
    if (err instanceof SluiceConnectionError) return err; // the timeout's own reason
    return new SluiceConnectionError(this.opts.url, connectionFailure(err), undefined, err);
  }

  private apiError(status: number, headers: IncomingHttpHeaders, text: string): SluiceApiError {
    const retryAfterSeconds = parseRetryAfter(headers['retry-after']);
    const common = retryAfterSeconds === undefined ? { status } : { status, retryAfterSeconds };
    const error = parseErrorBody(text);
    if (error) return new SluiceApiError({ ...common, ...error });
    const body = snippet(text);
    return new SluiceApiError({ ...common, code: `HTTP_${status}`, message: `HTTP ${status} from ${this.opts.url}${body ? `: ${body}` : ''}` });
  }
}

/**
 * Frees a response's connection. Destroying a body not read to its end makes undici emit an
 * AbortError on it: listened for here, or it would be an uncaught 'error' event.
 */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => {});
  body.destroy();
}

function snippet(text: string): string {
  const flat = text.trim().replace(/\s+/g, ' ');
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

/** The API's `{"error": {code, message, issues?}}`; null for any other body. */
function parseErrorBody(text: string): { code: string; message: string; issues?: SluiceIssue[] } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  const error = (parsed as { error?: { code?: unknown; message?: unknown; issues?: unknown } } | null)?.error;
  if (!error || typeof error.code !== 'string') return null;
  const message = typeof error.message === 'string' ? error.message : error.code;
  return Array.isArray(error.issues) ? { code: error.code, message, issues: error.issues as SluiceIssue[] } : { code: error.code, message };
}

/** Reads a body as UTF-8, stopping after `max` bytes. */
async function readText(body: AsyncIterable<Buffer>, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= max) break;
  }
  return Buffer.concat(chunks).toString('utf8');
}
