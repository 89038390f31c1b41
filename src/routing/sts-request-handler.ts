// An AWS SDK v3 (Smithy) HttpHandler that sends through the region's dispatcher, so STS — and any
// other SDK client given it — follows the same routing as every other call: one source of truth.
// The SDK types come from @aws-sdk/client-sts itself, not from a @smithy package we don't depend on.

import { isIP } from 'node:net';
import type { STSClientConfig } from '@aws-sdk/client-sts';
import type { Dispatcher } from 'undici';

export type SdkHttpHandler = Extract<NonNullable<STSClientConfig['requestHandler']>, { handle: unknown }>;
type SdkRequest = Parameters<SdkHttpHandler['handle']>[0];
type SdkOptions = NonNullable<Parameters<SdkHttpHandler['handle']>[1]>;
type SdkResult = Awaited<ReturnType<SdkHttpHandler['handle']>>;

// Not `implements SdkHttpHandler` (TS cannot implement that derived type); Routing.stsRequestHandler
// is typed SdkHttpHandler, which checks the shape where it is used.
export class DispatcherHttpHandler {
  readonly metadata = { handlerProtocol: 'http/1.1' };

  constructor(private readonly dispatcher: Dispatcher) {}

  async handle(req: SdkRequest, { abortSignal, requestTimeout }: SdkOptions = {}): Promise<SdkResult> {
    const signals: AbortSignal[] = [];
    if (abortSignal) signals.push(toAbortSignal(abortSignal));
    if (requestTimeout) signals.push(AbortSignal.timeout(requestTimeout));
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    if (signal?.aborted) throw abortError(signal.reason);

    const headers: Record<string, string> = { ...req.headers };
    if ((req.username || req.password) && !Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')) {
      headers['authorization'] = `Basic ${Buffer.from(`${req.username ?? ''}:${req.password ?? ''}`).toString('base64')}`;
    }
    const query = req.query ? buildQueryString(req.query) : '';
    const res = await this.dispatcher.request({
      origin: originOf(req),
      path: query ? `${req.path}?${query}` : req.path,
      method: req.method as Dispatcher.HttpMethod,
      headers,
      body: req.body ?? null,
      ...(signal ? { signal } : {}),
    });
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.headers)) {
      if (value !== undefined) out[name] = Array.isArray(value) ? value.join(',') : value;
    }
    // A plain object is what the SDK needs: it checks responses by shape (HttpResponse.isInstance).
    return { response: { statusCode: res.statusCode, headers: out, body: res.body } };
  }

  // Every setting lives in the routing; an SDK client has nothing to change here.
  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  /** A no-op on purpose: SDK clients call it on destroy(), and the dispatcher belongs to the routing. */
  destroy(): void {}
}

function originOf(req: SdkRequest): string {
  const protocol = req.protocol.endsWith(':') ? req.protocol : `${req.protocol}:`;
  const host = isIP(req.hostname) === 6 ? `[${req.hostname}]` : req.hostname;
  return `${protocol}//${host}${req.port ? `:${req.port}` : ''}`;
}

/** Smithy's query encoding (sorted keys, RFC 3986 escaping) so signed requests match byte for byte. */
function buildQueryString(query: Record<string, string | string[] | null>): string {
  const parts: string[] = [];
  for (const key of Object.keys(query).sort()) {
    const value = query[key];
    const k = escapeUri(key);
    if (Array.isArray(value)) for (const v of value) parts.push(`${k}=${escapeUri(v)}`);
    else parts.push(typeof value === 'string' ? `${k}=${escapeUri(value)}` : k);
  }
  return parts.join('&');
}

function escapeUri(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The SDK may hand over its own AbortSignal-like object (onabort, no events). */
function toAbortSignal(s: NonNullable<SdkOptions['abortSignal']>): AbortSignal {
  if (s instanceof AbortSignal) return s;
  const controller = new AbortController();
  if (s.aborted) controller.abort();
  else s.onabort = () => controller.abort();
  return controller.signal;
}

function abortError(reason: unknown): Error {
  const err = new Error('Request aborted', reason instanceof Error ? { cause: reason } : undefined);
  err.name = 'AbortError';
  return err;
}
