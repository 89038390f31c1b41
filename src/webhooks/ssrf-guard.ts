// The SSRF guard: a webhook URL may only reach public addresses, unless an address lies inside one
// of webhooks.allowedNetworks. Checked on every attempt, at connect time: the undici Agent's
// `lookup` resolves the host (all addresses), refuses if any is forbidden, and hands the checked
// addresses to the socket, so a DNS answer that changes between a check and the connect (DNS
// rebinding) can't slip in. A literal-IP host never goes through lookup: checkHost() tests it first.

import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Why an address class is refused, as the error message names it. */
const FORBIDDEN_RANGES: Readonly<Record<string, string>> = {
  loopback: 'a loopback address',
  private: 'a private (RFC 1918) address',
  uniqueLocal: 'a private (unique local, fc00::/7) address',
  linkLocal: 'a link-local address (cloud metadata lives there)',
  unspecified: 'the unspecified address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  carrierGradeNat: 'a carrier-grade NAT (100.64.0.0/10) address',
  reserved: 'a reserved address',
  // IPv6 forms that carry an IPv4 address inside: it could be any of the above.
  rfc6052: 'a NAT64 address (it may embed a private IPv4 address)',
  rfc6145: 'an IPv4-translated address (it may embed a private IPv4 address)',
  '6to4': 'a 6to4 address (it may embed a private IPv4 address)',
  teredo: 'a Teredo address (it may embed a private IPv4 address)',
};

export const ALLOW_SETTING = 'SLUICE_WEBHOOKS_ALLOWED_NETWORKS';

/** An address the guard refuses: `code` tells it apart from a connection error. */
export class SsrfRefusedError extends Error {
  readonly code = 'ERR_SLUICE_WEBHOOK_REFUSED';
  constructor(readonly address: string, readonly why: string) {
    super(`webhook url resolves to ${address}, ${why}; allow it with ${ALLOW_SETTING}`);
    this.name = 'SsrfRefusedError';
  }
}

export type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** The allow-list, parsed once; a bad entry throws naming it. */
export function parseAllowedNetworks(cidrs: readonly string[]): Cidr[] {
  return cidrs.map((c) => c.trim()).filter(Boolean).map((c) => {
    try {
      return ipaddr.parseCIDR(c);
    } catch {
      throw new Error(`webhooks.allowedNetworks: "${c}" is not a CIDR (e.g. 10.0.0.0/8 or fd00::/8)`);
    }
  });
}

/** Why the address is refused, or null when it may be reached. IPv4-mapped IPv6 is judged as IPv4. */
export function refusalOf(address: string, allowed: readonly Cidr[]): string | null {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.process(address);
  } catch {
    return 'not an IP address';
  }
  const original = ipaddr.parse(address);
  const inAllowed = allowed.some(([net, bits]) => (net.kind() === ip.kind() && ip.match([net, bits] as never))
    || (net.kind() === original.kind() && original.match([net, bits] as never)));
  if (inAllowed) return null;
  const range = ip.range();
  return FORBIDDEN_RANGES[range] ?? null;
}

/** Throws SsrfRefusedError when the address is refused. */
export function checkAddress(address: string, allowed: readonly Cidr[]): void {
  const why = refusalOf(address, allowed);
  if (why) throw new SsrfRefusedError(address, why);
}

/** A literal-IP hostname (brackets of IPv6 stripped), or null for a name. */
export function literalIp(hostname: string): string | null {
  const bare = hostname.replace(/^\[(.*)\]$/, '$1');
  return isIP(bare) ? bare : null;
}

/** For a URL's host: checks it when it is a literal IP (names are checked at connect, by the lookup). */
export function checkHost(hostname: string, allowed: readonly Cidr[]): void {
  const ip = literalIp(hostname);
  if (ip) checkAddress(ip, allowed);
}

type Resolve = (hostname: string) => Promise<LookupAddress[]>;

const systemResolve: Resolve = (hostname) => new Promise((resolve, reject) => {
  dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses)));
});

/**
 * A net.connect `lookup` that resolves every address of the host and refuses them all if any is
 * forbidden; the socket then connects only to what was checked.
 */
export function guardedLookup(allowed: readonly Cidr[], resolveAll: Resolve = systemResolve): LookupFunction {
  return (hostname, options, callback) => {
    resolveAll(hostname).then((all) => {
      if (!all.length) throw Object.assign(new Error(`webhook url host ${hostname} has no address`), { code: 'ENOTFOUND' });
      for (const a of all) checkAddress(a.address, allowed);
      const family = typeof options.family === 'number' ? options.family : 0;
      const usable = family ? all.filter((a) => a.family === family) : all;
      if (!usable.length) throw Object.assign(new Error(`webhook url host ${hostname} has no IPv${family} address`), { code: 'ENOTFOUND' });
      if (options.all) (callback as (e: null, a: LookupAddress[]) => void)(null, usable);
      else callback(null, usable[0]!.address, usable[0]!.family);
    }).catch((err: NodeJS.ErrnoException) => callback(err, '', 0));
  };
}

/** The SsrfRefusedError somewhere in an error's cause chain (undici wraps connect errors). */
export function findRefusal(err: unknown): SsrfRefusedError | null {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof SsrfRefusedError) return e;
  }
  return null;
}
