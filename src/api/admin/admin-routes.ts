// Everything under /admin: the login pages, and behind the admin guard, Bull Board. Registered
// beside (not inside) the zod context of the API's routes: Bull Board and the cookie and form
// plugins use Fastify's own schema compilers.

import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import { keysFor } from '../../store/index.ts';
import type { ApiDeps } from '../api-deps.ts';
import type { Authenticator } from '../auth.ts';
import { adminGuard } from './admin-guard.ts';
import { AdminSessions } from './admin-session.ts';
import { boardPlugin, type BoardQueue } from './board.ts';
import { loginRoutes } from './login-routes.ts';

export const ADMIN_PREFIX = '/admin';
const BOARD_PATH = `${ADMIN_PREFIX}/queues`;
const LOGIN_URL = `${ADMIN_PREFIX}/login`;
const LOGOUT_URL = `${ADMIN_PREFIX}/logout`;

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
    await admin.register(formbody);
    const sessions = new AdminSessions(deps.redis, keysFor(deps.config.redis.namespace), deps.config.admin.sessionTtlSeconds);
    loginRoutes(admin, { auth, sessions, cookiePath: ADMIN_PREFIX, loginUrl: LOGIN_URL, logoutUrl: LOGOUT_URL, boardUrl: BOARD_PATH });
    await admin.register(async (guarded) => {
      guarded.addHook('onRequest', adminGuard({ auth, sessions, loginUrl: LOGIN_URL }));
      await guarded.register(boardPlugin({ queues, actions: deps.config.admin.boardActions, basePath: BOARD_PATH, logoutUrl: LOGOUT_URL }), { prefix: '/queues' });
    });
  };
}

/** Each region's submit and control queue, in a folder per region. */
export function regionBoardQueues(deps: Pick<ApiDeps, 'producer'>): BoardQueue[] {
  return deps.producer.regionQueues().map(({ region, kind, queue }) => ({ queue, group: region, name: kind }));
}
