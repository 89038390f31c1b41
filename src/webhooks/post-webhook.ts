// One delivery attempt: POST the signed body, never following a redirect, within timeoutMs from
// connect to the end of the answer. The dispatcher's connect goes through the SSRF guard's lookup;
// a literal-IP host is checked here first (a literal never goes through lookup). `signal` stops an
// attempt from outside (the runtime's close): the result says `aborted`, and it is no failure.

import { Agent, request, type Dispatcher } from 'undici';
import { checkHost, findRefusal, guardedLookup, type Cidr } from './ssrf-guard.ts';

export interface AttemptResult {
  ok: boolean;
  status: number | null;
  error: string | null;
  refused: boolean;
  /** Stopped by the caller's signal: not an attempt that failed (nothing is recorded of it). */
  aborted: boolean;
  latencyMs: number;
}

/** The delivery dispatcher: every connection it opens is to an address the guard checked. */
export function webhookAgent(allowed: readonly Cidr[], timeoutMs: number): Agent {
  return new Agent({
    connect: { lookup: guardedLookup(allowed), timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    keepAliveTimeout: 4000,
  });
}

const MAX_ANSWER_BYTES = 64 * 1024;

export async function postWebhook(input: {
  url: string; body: string; headers: Record<string, string>; dispatcher: Dispatcher; allowed: readonly Cidr[]; timeoutMs: number; signal?: AbortSignal;
}): Promise<AttemptResult> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  const timeout = AbortSignal.timeout(input.timeoutMs);
  const signal = input.signal ? AbortSignal.any([input.signal, timeout]) : timeout;
  try {
    checkHost(new URL(input.url).hostname, input.allowed);
    const res = await request(input.url, { method: 'POST', body: input.body, headers: input.headers, dispatcher: input.dispatcher, signal });
    // The answer's body is read (to free the connection) but not kept; a huge one is cut. The
    // status has decided the attempt: a body cut short (timeout, abort) changes nothing.
    await drain(res.body).catch(() => {});
    const status = res.statusCode;
    if (status >= 200 && status < 300) return { ok: true, status, error: null, refused: false, aborted: false, latencyMs: latency() };
    const location = res.headers.location;
    const error = status >= 300 && status < 400
      ? `answered ${status} (redirect${location ? ` to ${String(location)}` : ''}): redirects are not followed`
      : `answered ${status}`;
    return { ok: false, status, error, refused: false, aborted: false, latencyMs: latency() };
  } catch (err) {
    const refusal = findRefusal(err);
    if (refusal) return { ok: false, status: null, error: refusal.message, refused: true, aborted: false, latencyMs: latency() };
    if (input.signal?.aborted) return { ok: false, status: null, error: 'stopped before an answer', refused: false, aborted: true, latencyMs: latency() };
    const message = timeout.aborted ? `no answer within ${input.timeoutMs} ms` : describeError(err);
    return { ok: false, status: null, error: message, refused: false, aborted: false, latencyMs: latency() };
  }
}

async function drain(body: Dispatcher.ResponseData['body']): Promise<void> {
  let read = 0;
  for await (const chunk of body) {
    read += (chunk as Buffer).length;
    if (read > MAX_ANSWER_BYTES) {
      body.destroy();
      return;
    }
  }
}

function describeError(err: unknown): string {
  const e = err as { message?: string; code?: string; cause?: { message?: string; code?: string } };
  const code = e.code ?? e.cause?.code;
  const message = e.cause?.message && e.message === 'fetch failed' ? e.cause.message : (e.message ?? String(err));
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
