// Everything the emulator's routes share: config, the app table, the lifecycle, the test controls
// and the mutable HA state. Built once by startRmEmulator.

import type { AppLifecycle } from './app-lifecycle.ts';
import type { AppRegistry } from './app-registry.ts';
import type { HttpFaults } from './http-faults.ts';
import type { RequestStats } from './request-stats.ts';
import type { EmulatorConfig, HaState } from './options.ts';
import { RestErrorResponse, restErrors } from './remote-exception.ts';
import type { EmulatedScheduler } from './scheduler.ts';

export interface RmContext {
  config: Readonly<EmulatorConfig>;
  registry: AppRegistry;
  lifecycle: AppLifecycle;
  faults: HttpFaults;
  /** RM requests by operation, for GET /emulator/stats (the control endpoints are not counted). */
  stats: RequestStats;
  scheduler: EmulatedScheduler;
  ha: { state: HaState; activeUrl: string | null };
  /** http://host:port of this emulator (known once it listens). */
  url(): string;
}

/** Query parameters of a raw request URL (repeated keys kept). */
export function queryOf(rawUrl: string): URLSearchParams {
  const q = rawUrl.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1));
}

export function pathOf(rawUrl: string): string {
  const q = rawUrl.indexOf('?');
  return q < 0 ? rawUrl : rawUrl.slice(0, q);
}

/**
 * Jersey matches @Consumes(JSON, XML) before the resource method runs: any other (or no) content
 * type is a 415 even ahead of the user check. The emulator reads JSON only, so XML is refused too.
 */
export function requireJson(contentType: string | undefined): void {
  if (!contentType || !/^application\/json\b/i.test(contentType.trim())) throw new UnsupportedMediaType();
}

export class UnsupportedMediaType extends Error {
  constructor() {
    super('Unsupported Media Type (the emulator accepts application/json only)');
    this.name = 'UnsupportedMediaType';
  }
}

/** Security off: the caller is whoever ?user.name= says; writes without it are refused. */
export function requireUser(rawUrl: string): string {
  const user = queryOf(rawUrl).get('user.name');
  if (!user) throw new RestErrorResponse(restErrors.notAuthenticated());
  return user;
}
