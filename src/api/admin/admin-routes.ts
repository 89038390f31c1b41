// Everything under /admin: the login pages, and behind the admin guard, Bull Board. Registered
// beside (not inside) the zod context of the API's routes: Bull Board and the cookie and form
// plugins use Fastify's own schema compilers.
//
// Every change under /admin must come from this origin (the same-origin guard). Form bodies are
// parsed for the login and logout only: Bull Board's routes take JSON, never a cross-site form.

import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import { keysFor } from '../../store/index.ts';
import type { ApiDeps } from '../api-deps.ts';
import type { Authenticator } from '../auth.ts';
import { adminGuard } from './admin-guard.ts';
import { AdminSessions } from './admin-session.ts';
import { boardActionGuard } from './board-actions.ts';
import { boardPlugin, type BoardQueue } from './board.ts';
import { LoginLimiter } from './login-limiter.ts';
import { loginRoutes } from './login-routes.ts';
import { sameOriginGuard } from './same-origin-guard.ts';

export const ADMIN_PREFIX = '/admin';
const BOARD_PATH = `${ADMIN_PREFIX}/queues`;
const LOGIN_URL = `${ADMIN_PREFIX}/login`;
const LOGOUT_URL = `${ADMIN_PREFIX}/logout`;

/** Failed logins an address may make in LOGIN_WINDOW_MS (per API process) before it must wait. */
export const MAX_FAILED_LOGINS = 10;
export const LOGIN_WINDOW_MS = 5 * 60_000;

export interface AdminRoutesOptions {
  deps: Pick<ApiDeps, 'config' | 'redis'>;
  auth: Authenticator;
  /** What the board shows. */
  queues: readonly BoardQueue[];
}

/** Register with { prefix: ADMIN_PREFIX }. */
export function adminRoutes({ deps, auth, queues }: AdminRoutesOptions) {
  return async (admin: FastifyInstance): Promise<void> => {
    await admin.register(cookie);
    admin.addHook('onRequest', sameOriginGuard());
    const sessions = new AdminSessions(deps.redis, keysFor(deps.config.redis.namespace), deps.config.admin.sessionTtlSeconds);
    const limiter = new LoginLimiter({ maxFailures: MAX_FAILED_LOGINS, windowMs: LOGIN_WINDOW_MS });
    await admin.register(async (login) => {
      await login.register(formbody);
      loginRoutes(login, { auth, sessions, limiter, cookiePath: ADMIN_PREFIX, loginUrl: LOGIN_URL, logoutUrl: LOGOUT_URL, boardUrl: BOARD_PATH });
    });
    const actions = deps.config.admin.boardActions;
    await admin.register(async (guarded) => {
      guarded.addHook('onRequest', adminGuard({ auth, sessions, loginUrl: LOGIN_URL }));
      // Read-only (the default), Bull Board itself refuses every action (405).
      if (actions) guarded.addHook('onRequest', boardActionGuard(BOARD_PATH));
      await guarded.register(boardPlugin({ queues, actions, basePath: BOARD_PATH, logoutUrl: LOGOUT_URL }), { prefix: '/queues' });
    });
  };
}

/** Each region's submit and control queue, in a folder per region. */
export function regionBoardQueues(deps: Pick<ApiDeps, 'producer'>): BoardQueue[] {
  return deps.producer.regionQueues().map(({ region, kind, queue }) => ({ queue, group: region, name: kind }));
}
