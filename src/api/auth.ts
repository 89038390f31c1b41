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
    const d = digest(match[1]!);
    // Compare against every grant: the time taken doesn't tell which one matched.
    let found: Principal | null = null;
    for (const g of this.grants) if (timingSafeEqual(g.digest, d)) found = g.principal;
    if (!found) throw new ApiError('UNAUTHENTICATED', 'unknown bearer token');
    return found;
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
