// The one function that opens a region's sockets (undici's `connect` hook): the region's source
// address, its `hosts` overrides, its CA and its connect timeout. HTTP pools, the hop to the proxy
// and the tcp checks all open their sockets here, so they cannot disagree.

import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';
import { buildConnector } from 'undici';
import { hostsLookup } from './hosts-lookup.ts';

export interface ConnectorOptions {
  connectTimeoutMs: number;
  localAddress?: string | undefined;
  hosts?: Readonly<Record<string, string>> | undefined;
  /** PEM certificates trusted for TLS (see caBundle). */
  ca?: string[] | undefined;
}

export function regionConnector(o: ConnectorOptions): buildConnector.connector {
  const base = buildConnector({
    // Covers TCP and, for https, the TLS handshake: undici clears it on 'secureConnect'.
    timeout: o.connectTimeoutMs,
    lookup: hostsLookup(o.hosts, o.localAddress),
    ...(o.ca ? { ca: o.ca } : {}),
  });
  // buildConnector takes localAddress per call (from the Client), not from its options: set it here
  // so no caller can forget it.
  return (opts, callback) => base({ ...opts, localAddress: o.localAddress ?? opts.localAddress ?? null }, callback);
}

/**
 * The region's caFile added to the CAs Node trusts by default (Node's `ca` option replaces them):
 * one routing reaches both internal endpoints signed by the region's CA and public ones like STS.
 */
export function caBundle(caFile: string): string[] {
  const pem = readFileSync(caFile, 'utf8');
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`caFile ${caFile} holds no PEM certificate`);
  // Node ≥ 22.15 can list its defaults including NODE_EXTRA_CA_CERTS; Node 20 has only the bundle.
  const getDefaults = (tls as { getCACertificates?: (type: string) => string[] }).getCACertificates;
  const defaults = getDefaults ? getDefaults('default') : [...tls.rootCertificates];
  return [...defaults, pem];
}
