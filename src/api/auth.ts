// Bearer tokens from config, each a principal with the regions it may use. Tokens are compared in
// constant time and never logged (the logger redacts the authorization header).

import { createHash, timingSafeEqual } from 'node:crypto';
import type { TokenGrant } from '../config/config.ts';
import { ApiError } from './api-error.ts';

export interface Principal {
  name: string;
  regions: string[];
  admin: boolean;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** A token's grant as an admin session keeps it: the principal and the token's SHA-256 (hex), never the token. */
export interface Grant {
  principal: Principal;
  tokenDigest: string;
}

export class Authenticator {
  private readonly grants: { digest: Buffer; principal: Principal }[];

  constructor(tokens: readonly TokenGrant[]) {
    this.grants = tokens.map((t) => ({ digest: digest(t.token), principal: { name: t.principal, regions: [...t.regions], admin: t.admin } }));
  }

  authenticate(header: string | undefined): Principal {
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!match) throw new ApiError('UNAUTHENTICATED', 'send Authorization: Bearer <token>');
    const found = this.byToken(match[1]!);
    if (!found) throw new ApiError('UNAUTHENTICATED', 'unknown bearer token');
    return found;
  }

  /** The principal a token belongs to, or null. */
  byToken(token: string): Principal | null {
    return this.grantOf(token)?.principal ?? null;
  }

  /** The grant of a token (as typed into the admin login form), or null. */
  grantOf(token: string): Grant | null {
    const d = digest(token);
    // Compare against every grant: the time taken doesn't tell which one matched.
    let found: Grant | null = null;
    for (const g of this.grants) if (timingSafeEqual(g.digest, d)) found = { principal: g.principal, tokenDigest: d.toString('hex') };
    return found;
  }

  /**
   * The principal behind an admin session, judged by the current token config: the grant of that
   * name whose token has that digest. A session is only as good as the token it was made with:
   * removing the principal's token, or rotating it (a new value under the same name), ends it.
   */
  bySession(name: string, tokenDigest: string): Principal {
    const named = this.grants.filter((g) => g.principal.name === name);
    if (named.length === 0) throw new ApiError('UNAUTHENTICATED', `principal ${name} no longer has a token: log in again`);
    const d = Buffer.from(tokenDigest, 'hex');
    const grant = named.find((g) => g.digest.length === d.length && timingSafeEqual(g.digest, d));
    if (!grant) throw new ApiError('UNAUTHENTICATED', 'the token this session was made with is no longer valid: log in again');
    return grant.principal;
  }
}

export function mayUseRegion(p: Principal, region: string): boolean {
  return p.regions.includes('*') || p.regions.includes(region);
}

export function assertRegion(p: Principal, region: string): void {
  if (!mayUseRegion(p, region)) {
    throw new ApiError('FORBIDDEN_REGION', `principal ${p.name} may not use region ${region}`, [{ path: ['region'], message: `not allowed for ${p.name}` }]);
  }
}
