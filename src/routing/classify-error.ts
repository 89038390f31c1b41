// Turns whatever a transport threw — Node's socket and DNS errors, undici's errors, our own — into a
// RoutingError with a stable code. The dispatcher itself passes undici's errors through unchanged
// (code written against undici, like the YARN client's timeout test, keeps working); callers that
// want the stable code ask here.

import { RoutingError, type RoutingErrorCode } from './routing-error.ts';

const BY_CODE: Record<string, RoutingErrorCode> = {
  ENOTFOUND: 'DNS_FAILURE',
  EAI_AGAIN: 'DNS_FAILURE',
  EAI_FAIL: 'DNS_FAILURE',
  EAI_NODATA: 'DNS_FAILURE',
  EAI_NONAME: 'DNS_FAILURE',
  ECONNREFUSED: 'CONNECTION_REFUSED',
  UND_ERR_CONNECT_TIMEOUT: 'CONNECT_TIMEOUT',
  ETIMEDOUT: 'CONNECT_TIMEOUT',
  UND_ERR_HEADERS_TIMEOUT: 'RESPONSE_TIMEOUT',
  UND_ERR_BODY_TIMEOUT: 'RESPONSE_TIMEOUT',
  UND_ERR_SECURE_PROXY_CONNECTION: 'PROXY_ERROR',
  ECONNRESET: 'NETWORK_ERROR',
  EPIPE: 'NETWORK_ERROR',
  EHOSTUNREACH: 'NETWORK_ERROR',
  ENETUNREACH: 'NETWORK_ERROR',
  EADDRNOTAVAIL: 'NETWORK_ERROR',
  EADDRINUSE: 'NETWORK_ERROR',
  UND_ERR_SOCKET: 'NETWORK_ERROR',
  UND_ERR_CLOSED: 'NETWORK_ERROR',
};

/** OpenSSL's verify codes and Node's TLS codes; EPROTO is a handshake the peer broke off. */
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|EPROTO$)|CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/;

/**
 * The RoutingError for a transport failure, or undefined when `err` is not one (an abort, a bug,
 * an HTTP-level answer): the caller decides what those mean. Looks through `cause` chains and
 * AggregateErrors (Node's happy-eyeballs connect throws one per tried address).
 */
export function toRoutingError(err: unknown, target?: string): RoutingError | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length > 0) {
    const e = queue.shift();
    if (e === null || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    if (e instanceof RoutingError) return e;
    const code = codeOf(e);
    const mapped = code === undefined ? undefined : BY_CODE[code] ?? (TLS_CODE.test(code) ? 'TLS_ERROR' : undefined);
    if (mapped) {
      return new RoutingError(mapped, { ...(target ? { target } : {}), message: messageOf(e), cause: err });
    }
    if (e instanceof AggregateError) queue.push(...e.errors);
    queue.push((e as { cause?: unknown }).cause);
  }
  return undefined;
}

function codeOf(e: object): string | undefined {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(e: object): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg || (e as Error).name || 'unknown error';
}
