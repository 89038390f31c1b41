// A raw TCP connection under the region's rules, for checks of things that don't speak HTTP (KMS,
// a database port): the allow-list first, then either the region's connector (source address,
// hosts, connect timeout) or a CONNECT tunnel through the region's proxy.

import type { Socket } from 'node:net';
import type { buildConnector } from 'undici';
import { egressDenied, type HostMatcher } from './allow-list.ts';
import { toRoutingError } from './classify-error.ts';
import type { ProxyHop } from './proxy-hop.ts';
import { RoutingError } from './routing-error.ts';

export type ConnectTcp = (host: string, port: number, signal?: AbortSignal) => Promise<Socket>;

export function tcpConnector(allowed: HostMatcher, connector: buildConnector.connector, proxy?: ProxyHop): ConnectTcp {
  return async (host, port, signal) => {
    const target = `${host}:${port}`;
    if (!allowed(host)) throw egressDenied(host, port);
    signal?.throwIfAborted();
    try {
      return proxy ? await proxy.tunnel(host, port, signal) : await direct(connector, host, port, signal);
    } catch (err) {
      if (signal?.aborted) throw err;
      throw toRoutingError(err, target) ?? new RoutingError('NETWORK_ERROR', { target, message: String(err), cause: err });
    }
  };
}

function direct(connector: buildConnector.connector, host: string, port: number, signal?: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const onAbort = (): void => {
      settled = true;
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    connector({ hostname: host, host: `${host}:${port}`, protocol: 'tcp:', port: String(port) }, (err, socket) => {
      signal?.removeEventListener('abort', onAbort);
      // Aborted while connecting: the socket arrives later and nobody wants it.
      if (settled) return void socket?.destroy();
      settled = true;
      if (err) reject(err);
      else resolve(socket as Socket);
    });
  });
}
