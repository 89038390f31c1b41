// The `network` block of a region file, validated: what buildRouting takes. Kept beside the routing
// so the rules (what a proxy URL or an allowedHosts entry may look like) live with their meaning;
// the region schema can embed it as is.

import { z } from 'zod';
import { isAllowedHostPattern } from './allow-list.ts';

const ip = z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' });
const hostName = z.string().regex(/^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?$/, 'must be a host name');

const proxyUrl = z.url({ protocol: /^http$/, error: 'must be an http://host:port URL' }).refine((u) => {
  const url = new URL(u);
  return url.pathname === '/' && !url.search && !url.hash;
}, 'must be http://host:port, without a path');

export const networkConfig = z.strictObject({
  connectTimeoutMs: z.int().min(1).default(3000),
  requestTimeoutMs: z.int().min(1).default(10000),
  /** An HTTP CONNECT forward proxy; every connection of the region is tunnelled through it. */
  proxy: proxyUrl.optional(),
  /** Source address of every connection (to the proxy, when there is one). */
  localAddress: ip.optional(),
  /** Static name → address. With a proxy, only the proxy's own name uses it (see build-routing.ts). */
  hosts: z.record(hostName, ip).optional(),
  /** PEM file of CA certificates trusted in addition to Node's defaults. */
  caFile: z.string().min(1).optional(),
  /** When set, any other host is refused before a connection is made (EGRESS_DENIED). */
  allowedHosts: z.array(z.string().refine(isAllowedHostPattern, 'must be a host name, an IP or *.suffix')).optional(),
});

export type NetworkConfig = z.output<typeof networkConfig>;
