// A dns.lookup replacement for net/tls.connect: names in the region's `hosts` map resolve to their
// address without asking DNS (like /etc/hosts, but per region); every other name goes to
// dns.lookup. With a localAddress, only that address's family is asked for: a 127.0.0.2 source
// can't reach ::1, and happy-eyeballs would otherwise try it and fail with EINVAL.

import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { normalizeHost } from './allow-list.ts';

export function hostsLookup(hosts: Readonly<Record<string, string>> = {}, localAddress?: string): LookupFunction {
  const table = new Map(Object.entries(hosts).map(([name, ip]) => [normalizeHost(name), ip]));
  const family = localAddress ? (isIP(localAddress) as 4 | 6) : undefined;
  return (hostname, options, callback) => {
    const ip = table.get(normalizeHost(hostname));
    if (ip !== undefined) {
      const answer: LookupAddress = { address: ip, family: isIP(ip) };
      // Node asks with all: true when autoSelectFamily (happy eyeballs) is on.
      process.nextTick(() => {
        if (options.all) (callback as (e: null, a: LookupAddress[]) => void)(null, [answer]);
        else callback(null, answer.address, answer.family);
      });
      return;
    }
    const opts = family === undefined ? options : { ...options, family };
    if (opts.all) dnsLookup(hostname, opts as LookupAllOptions, callback as never);
    else dnsLookup(hostname, opts as LookupOneOptions, callback as never);
  };
}
