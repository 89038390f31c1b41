// The SSRF guard: a webhook URL may only reach public addresses, unless an address lies inside one
// of webhooks.allowedNetworks. Checked on every attempt, at connect time: the undici Agent's
// `lookup` resolves the host (all addresses), refuses if any is forbidden, and hands the checked
// addresses to the socket, so a DNS answer that changes between a check and the connect (DNS
// rebinding) can't slip in. A literal-IP host never goes through lookup: checkHost() tests it first.

import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { WebhookError } from './webhook-errors.ts';

// Only public unicast addresses pass: ipaddr.js's range() must be 'unicast' (an IPv4-mapped IPv6
// address is judged by the IPv4 address inside it). Every other range is refused, those named here
// and any other (ipaddr.js knows more than these; a range added in a later version is refused too).
// IPv4-compatible addresses (::a.b.c.d, deprecated) count as unicast for ipaddr.js: refused here.

/** Why an address range is refused, as the error message says it (followed by the range's name). */
const RANGE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  loopback: 'a loopback address',
  private: 'a private (RFC 1918) address',
  uniqueLocal: 'a private (unique local, fc00::/7) address',
  linkLocal: 'a link-local address (cloud metadata lives there)',
  unspecified: 'the unspecified address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  carrierGradeNat: 'a carrier-grade NAT (100.64.0.0/10) address',
  reserved: 'a reserved address',
  deprecatedSiteLocal: 'a site-local address (fec0::/10, deprecated: private in effect)',
  discard: 'a discard-only address (100::/64)',
  // IPv6 forms that carry an IPv4 address inside: it could be any of the above.
  ipv4Compatible: 'an IPv4-compatible address (::a.b.c.d, deprecated; it may embed a private IPv4 address)',
  rfc6052: 'a NAT64 address (it may embed a private IPv4 address)',
  rfc6145: 'an IPv4-translated address (it may embed a private IPv4 address)',
  '6to4': 'a 6to4 address (it may embed a private IPv4 address)',
  teredo: 'a Teredo address (it may embed a private IPv4 address)',
};
const OTHER_RANGE = 'a special-purpose address';

export const ALLOW_SETTING = 'SLUICE_WEBHOOKS_ALLOWED_NETWORKS';

/** An address the guard refuses: `code` tells it apart from a connection error. */
export class SsrfRefusedError extends WebhookError {
  override name = 'SsrfRefusedError';
  constructor(readonly address: string, readonly why: string) {
    super('ERR_SLUICE_WEBHOOK_REFUSED', `webhook url resolves to ${address}, ${why}; allow it with ${ALLOW_SETTING}`);
  }
}

export type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * The allow-list, parsed once, strictly: IPv4 only as four decimal parts (no leading zeros, no
 * short or integer forms: 010.020.0.0, 10.1 and 167772160 mean different things to different
 * parsers), IPv6 without a zone, the prefix length in range, and no host bits set (10.0.0.1/8 is
 * a typo for something). A bad entry throws, naming the setting and the entry.
 */
export function parseAllowedNetworks(cidrs: readonly string[]): Cidr[] {
  return cidrs.map((c) => c.trim()).filter(Boolean).map(parseNetwork);
}

function parseNetwork(entry: string): Cidr {
  const bad = (why: string) => new WebhookError('ERR_SLUICE_WEBHOOK_ALLOWED_NETWORKS', `${ALLOW_SETTING}: "${entry}" ${why} (e.g. 10.0.0.0/8 or fd00::/8)`);
  const m = /^([^/]+)\/(0|[1-9][0-9]{0,2})$/.exec(entry);
  if (!m) throw bad('is not a CIDR: an address, "/" and a prefix length');
  const [, address, bitsText] = m as unknown as [string, string, string];
  const bits = Number(bitsText);
  let net: ipaddr.IPv4 | ipaddr.IPv6;
  let network: string;
  if (address.includes(':')) {
    if (address.includes('%') || !ipaddr.IPv6.isValid(address)) throw bad('is not an IPv6 network');
    if (bits > 128) throw bad('has a prefix length over 128');
    net = ipaddr.IPv6.parse(address);
    network = ipaddr.IPv6.networkAddressFromCIDR(`${address}/${bits}`).toString();
  } else {
    if (!ipaddr.IPv4.isValidFourPartDecimal(address)) throw bad('is not an IPv4 network written as four decimal parts (no leading zeros, no short or integer forms)');
    if (bits > 32) throw bad('has a prefix length over 32');
    net = ipaddr.IPv4.parse(address);
    network = ipaddr.IPv4.networkAddressFromCIDR(`${address}/${bits}`).toString();
  }
  if (network !== net.toString()) throw bad(`has host bits set: the network is ${network}/${bits}`);
  return [net, bits];
}

/** Why the address is refused (its range named), or null when it may be reached. */
export function refusalOf(address: string, allowed: readonly Cidr[]): string | null {
  let original: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    original = ipaddr.parse(address);
  } catch {
    return 'not an IP address';
  }
  const ip = original.kind() === 'ipv6' && (original as ipaddr.IPv6).isIPv4MappedAddress() ? (original as ipaddr.IPv6).toIPv4Address() : original;
  const inAllowed = allowed.some(([net, bits]) => (net.kind() === ip.kind() && ip.match([net, bits] as never))
    || (net.kind() === original.kind() && original.match([net, bits] as never)));
  if (inAllowed) return null;
  const range = rangeOf(ip);
  if (range === 'unicast') return null;
  return `${RANGE_DESCRIPTIONS[range] ?? OTHER_RANGE} (range ${range})`;
}

/** ipaddr.js's range, and `ipv4Compatible` for ::a.b.c.d (which it calls unicast). */
function rangeOf(ip: ipaddr.IPv4 | ipaddr.IPv6): string {
  const range = ip.range();
  if (range === 'unicast' && ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).parts.slice(0, 6).every((p) => p === 0)) return 'ipv4Compatible';
  return range;
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
