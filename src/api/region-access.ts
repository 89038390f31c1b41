// The region a /v1/regions/{name}/… route names: it must exist (404) and the caller may use it (403).

import type { Region } from '../regions/index.ts';
import type { ApiDeps } from './api-deps.ts';
import { ApiError } from './api-error.ts';
import { assertRegion, type Principal } from './auth.ts';

export function regionFor(deps: ApiDeps, principal: Principal, name: string): Region {
  const region = deps.regions.get(name);
  if (!region) {
    throw new ApiError('REGION_NOT_FOUND', `no region "${name}"; known: ${[...deps.regions.keys()].join(', ')}`, [{ path: ['params', 'name'], message: `unknown region "${name}"` }]);
  }
  assertRegion(principal, name);
  return region;
}

export function assertAdmin(principal: Principal, what: string): void {
  if (!principal.admin) throw new ApiError('ADMIN_REQUIRED', `principal ${principal.name} is not an admin: only admins may ${what}`);
}
