// A region's routing, built once from its `network` block: the ONE undici dispatcher every outbound
// HTTP call of the region uses, raw TCP for checks under the same rules, and an AWS SDK handler
// over the same dispatcher.
//
// Layers, outermost first: the allow-list (refuses before anything is opened) → either an Agent
// whose sockets come from the region's connector, or a ProxyAgent tunnelling every origin with
// CONNECT through the proxy hop (itself opened by the region's connector).
//
// With a proxy: `hosts` and `localAddress` apply to the connection to the proxy; the target's name
// goes to the proxy as is (CONNECT name:port) and the proxy resolves it, as curl does. The
// allow-list and caFile still apply to the target; the proxy itself needs no allow-list entry.

import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { Agent, ProxyAgent, type Dispatcher } from 'undici';
import { allowListInterceptor, compileAllowList, normalizeHost } from './allow-list.ts';
import { tcpConnector } from './connect-tcp.ts';
import { caBundle, regionConnector } from './connector.ts';
import type { NetworkConfig } from './network-config.ts';
import { ProxyHop } from './proxy-hop.ts';
import { DispatcherHttpHandler, type SdkHttpHandler } from './sts-request-handler.ts';

export interface Routing {
  readonly network: Readonly<NetworkConfig>;
  /** The one dispatcher for every outbound HTTP call of the region. Errors are undici's own,
   *  plus RoutingError EGRESS_DENIED and PROXY_ERROR; toRoutingError() gives any of them a code. */
  readonly dispatcher: Dispatcher;
  /** A TCP connection under the same rules; rejects with a RoutingError. */
  connectTcp(host: string, port: number, signal?: AbortSignal): Promise<Socket>;
  /** For AWS SDK v3 clients: `new STSClient({ requestHandler: routing.stsRequestHandler })`. */
  readonly stsRequestHandler: SdkHttpHandler;
  /** Closes every pooled connection; idempotent. */
  close(): Promise<void>;
}

/** Connections kept per origin, as before routing grew (src/regions/routing.ts). */
const CONNECTIONS_PER_ORIGIN = 16;

export function buildRouting(network: NetworkConfig, opts: { logger?: Logger } = {}): Routing {
  const log = opts.logger?.child({ module: 'routing' });
  const { connectTimeoutMs, requestTimeoutMs, localAddress, hosts } = network;
  const allowed = network.allowedHosts ? compileAllowList(network.allowedHosts) : () => true;
  const ca = network.caFile ? caBundle(network.caFile) : undefined;
  const connector = regionConnector({ connectTimeoutMs, localAddress, hosts, ca });
  // requestTimeoutMs bounds the wait for the answer's headers and then each gap between body chunks.
  const pools = { headersTimeout: requestTimeoutMs, bodyTimeout: requestTimeoutMs, connections: CONNECTIONS_PER_ORIGIN };

  const hop = network.proxy ? new ProxyHop(network.proxy, connector, { connectTimeoutMs, localAddress }) : undefined;
  const base: Dispatcher = hop
    ? new ProxyAgent({
      uri: network.proxy!,
      proxyTunnel: true, // CONNECT for http:// targets too: the proxy never sees a request line
      clientFactory: () => hop.dispatcher,
      // TLS to the target, inside the tunnel.
      requestTls: { timeout: connectTimeoutMs, ...(ca ? { ca } : {}) },
      ...pools,
    })
    : new Agent({ connect: connector, ...pools });
  if (network.proxy) {
    const proxyName = normalizeHost(new URL(network.proxy).hostname);
    const unused = Object.keys(hosts ?? {}).filter((h) => normalizeHost(h) !== proxyName);
    if (unused.length > 0) log?.warn({ hosts: unused }, 'hosts entries other than the proxy have no effect: the proxy resolves target names');
  }

  const dispatcher = base.compose(allowListInterceptor(allowed, (host) => log?.warn({ host }, 'egress denied')));
  let closing: Promise<void> | undefined;
  log?.debug({ proxy: hop?.origin, localAddress, allowedHosts: network.allowedHosts, caFile: network.caFile }, 'routing built');

  return {
    network: Object.freeze({ ...network }),
    dispatcher,
    connectTcp: tcpConnector(allowed, connector, hop),
    stsRequestHandler: new DispatcherHttpHandler(dispatcher),
    close: () => (closing ??= base.close()), // a ProxyAgent closes its hop too
  };
}
