// The egress allow-list: exact names ("sts.us-east-1.amazonaws.com", "10.0.0.5") or "*.suffix"
// patterns. "*.use1.internal" matches any name below use1.internal, at any depth, but not
// "use1.internal" itself (list that separately). Case-insensitive; a trailing dot is ignored.
// The check runs on the name the caller asked for, before any lookup or socket.

import { isIP } from 'node:net';
import type { Dispatcher } from 'undici';
import { RoutingError } from './routing-error.ts';

const LABELS = /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/;

/** A valid entry of allowedHosts: a host name, an IP, or "*." followed by a host name. */
export function isAllowedHostPattern(pattern: string): boolean {
  const p = pattern.toLowerCase();
  if (isIP(p)) return true;
  return LABELS.test(p.startsWith('*.') ? p.slice(2) : p);
}

export type HostMatcher = (host: string) => boolean;

export function compileAllowList(patterns: readonly string[]): HostMatcher {
  const bad = patterns.filter((p) => !isAllowedHostPattern(p));
  if (bad.length > 0) throw new Error(`invalid allowedHosts entr${bad.length > 1 ? 'ies' : 'y'}: ${bad.join(', ')}`);
  const exact = new Set<string>();
  const suffixes: string[] = [];
  for (const p of patterns.map(normalizeHost)) {
    if (p.startsWith('*.')) suffixes.push(p.slice(1)); // keep the dot: ".use1.internal"
    else exact.add(p);
  }
  return (host) => {
    const h = normalizeHost(host);
    return exact.has(h) || suffixes.some((s) => h.endsWith(s) && h.length > s.length);
  };
}

/** Lowercase, without IPv6 brackets or a trailing dot: the form both sides are compared in. */
export function normalizeHost(host: string): string {
  let h = host.toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.') && !isIP(h)) h = h.slice(0, -1);
  return h;
}

export function egressDenied(host: string, port?: number | string): RoutingError {
  const target = port === undefined || port === '' ? host : `${host}:${port}`;
  return new RoutingError('EGRESS_DENIED', { target });
}

/**
 * An undici interceptor refusing every origin the matcher rejects. It answers the handler with
 * EGRESS_DENIED and never calls the next dispatch, so no pool, lookup or socket is ever made.
 */
export function allowListInterceptor(allowed: HostMatcher, onDenied?: (host: string) => void): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    const origin = opts.origin === undefined ? undefined : new URL(String(opts.origin));
    if (origin && allowed(origin.hostname)) return dispatch(opts, handler);
    const err = egressDenied(origin?.hostname ?? '(no origin)', origin?.port);
    onDenied?.(origin?.hostname ?? '(no origin)');
    // Asynchronously, as a real connection failure would be: callers never see a re-entrant error.
    // compose() hands interceptors new-style handlers; onError covers an old-style one all the same.
    queueMicrotask(() => {
      if (handler.onResponseError) handler.onResponseError(null as never, err);
      else handler.onError?.(err);
    });
    return true;
  };
}
