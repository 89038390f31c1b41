// The hop to the region's HTTP CONNECT forward proxy. One pool to the proxy, opened through the
// region's connector (so the proxy's own name resolves via `hosts`, and the source address and
// connect timeout apply: undici's ProxyAgent would otherwise connect to the proxy with defaults and
// silently drop `localAddress`). It serves both ProxyAgent (as its clientFactory) and connectTcp.
// Every failure on this hop becomes PROXY_ERROR, so a dead proxy never reads as a dead target.
// ProxyAgent closes it (its clientFactory's product) when the routing closes.

import type { Socket } from 'node:net';
import { Pool, type Dispatcher, type buildConnector } from 'undici';
import { RoutingError } from './routing-error.ts';

export class ProxyHop {
  /** The pool to the proxy, tagging its errors; handed to ProxyAgent through clientFactory. */
  readonly dispatcher: Dispatcher;
  /** The proxy's origin without credentials: safe for messages and logs. */
  readonly origin: string;
  private readonly auth: Record<string, string>;

  constructor(proxyUrl: string, connector: buildConnector.connector, opts: { connectTimeoutMs: number; localAddress?: string | undefined }) {
    const url = new URL(proxyUrl);
    this.origin = url.origin;
    this.auth = url.username || url.password
      ? { 'proxy-authorization': `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}` }
      : {};
    const pool = new Pool(url.origin, {
      connect: connector,
      ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
      // The proxy must answer CONNECT as fast as a direct connection would be made.
      headersTimeout: opts.connectTimeoutMs,
    });
    this.dispatcher = pool.compose(tagProxyErrors(this.origin));
  }

  /** A raw TCP socket to host:port through the proxy (what the tcp checks need). */
  async tunnel(host: string, port: number, signal?: AbortSignal): Promise<Socket> {
    const authority = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const { socket } = await this.dispatcher.connect({
      origin: this.origin,
      path: authority,
      headers: { host: authority, ...this.auth },
      ...(signal ? { signal } : {}),
    });
    return socket as Socket;
  }
}

/**
 * An interceptor for the CONNECT requests to the proxy: a non-200 answer or any failure becomes a
 * RoutingError PROXY_ERROR naming the proxy and the target. A caller's abort stays an abort.
 */
function tagProxyErrors(proxy: string): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    const target = String(opts.path);
    const fail = (controller: Dispatcher.DispatchController, err: Error): void => {
      const aborted = (opts as { signal?: AbortSignal }).signal?.aborted;
      handler.onResponseError?.(controller, aborted ? err : new RoutingError('PROXY_ERROR', {
        target,
        message: `proxy ${proxy}: ${err.message || err.name}`,
        cause: err,
      }));
    };
    return dispatch(opts, {
      onRequestStart: (controller, context) => handler.onRequestStart?.(controller, context),
      onRequestUpgrade: (controller, statusCode, headers, socket) => {
        if (statusCode === 200) {
          handler.onRequestUpgrade?.(controller, statusCode, headers, socket);
          return;
        }
        socket.destroy();
        fail(controller, new Error(`answered ${statusCode} to CONNECT ${target}`));
      },
      onResponseStart: (controller, statusCode, headers, statusMessage) =>
        handler.onResponseStart?.(controller, statusCode, headers, statusMessage),
      onResponseData: (controller, chunk) => handler.onResponseData?.(controller, chunk),
      onResponseEnd: (controller, trailers) => handler.onResponseEnd?.(controller, trailers),
      onResponseError: fail,
    });
  };
}
