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

  /** The principal a token (as typed into the admin login form) belongs to, or null. */
  byToken(token: string): Principal | null {
    const d = digest(token);
    // Compare against every grant: the time taken doesn't tell which one matched.
    let found: Principal | null = null;
    for (const g of this.grants) if (timingSafeEqual(g.digest, d)) found = g.principal;
    return found;
  }

  /**
   * The principal of that name in the current token config (its admin grant, if it has several),
   * or null: an admin session is only as good as the grant behind it.
   */
  byName(name: string): Principal | null {
    const named = this.grants.filter((g) => g.principal.name === name).map((g) => g.principal);
    return named.find((p) => p.admin) ?? named[0] ?? null;
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
