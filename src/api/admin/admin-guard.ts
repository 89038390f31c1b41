// Who may see the board: an admin with a login session (the cookie) or an admin bearer token
// (curl). The session's grant (principal and token digest) is looked up in the current token config
// on every request, so removing or rotating a token (or taking its admin flag) ends its sessions at
// once, not when they expire.
//
// The guard answers by itself instead of throwing: Bull Board's routes live in a context with
// Bull Board's error handler, which would turn our errors into 500s.

import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../api-error.ts';
import type { Authenticator, Principal } from '../auth.ts';
import { toApiError } from '../error-handler.ts';
import type { AdminSessions } from './admin-session.ts';

export const ADMIN_COOKIE = 'sluice_admin';

export interface AdminGuardOptions {
  auth: Authenticator;
  sessions: AdminSessions;
  /** Where a browser without a session is sent. */
  loginUrl: string;
}

export function adminGuard(opts: AdminGuardOptions) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    try {
      request.principal = await adminPrincipal(request, opts);
    } catch (err) {
      const e = toApiError(err as FastifyError, request, reply);
      // A person opening the page is sent to the form; scripts and assets get the JSON error.
      if (e.code === 'UNAUTHENTICATED' && wantsPage(request)) await reply.redirect(opts.loginUrl, 303);
      else await reply.status(e.status).send(e.toBody());
    }
  };
}

async function adminPrincipal(request: FastifyRequest, { auth, sessions }: AdminGuardOptions): Promise<Principal> {
  // A request that brings a bearer token is judged by it alone (a bad one isn't rescued by a cookie).
  if (request.headers.authorization !== undefined) return mustBeAdmin(auth.authenticate(request.headers.authorization));
  const id = request.cookies[ADMIN_COOKIE];
  if (!id) throw new ApiError('UNAUTHENTICATED', 'log in at /admin/login, or send Authorization: Bearer <admin token>');
  const session = await sessions.get(id);
  if (session === null) throw new ApiError('UNAUTHENTICATED', 'the session has expired or was logged out: log in again');
  return mustBeAdmin(auth.bySession(session.principal, session.tokenDigest));
}

function mustBeAdmin(p: Principal): Principal {
  if (!p.admin) throw new ApiError('ADMIN_REQUIRED', `principal ${p.name} is not an admin`);
  return p;
}

function wantsPage(request: FastifyRequest): boolean {
  return (request.method === 'GET' || request.method === 'HEAD') && (request.headers.accept ?? '').includes('text/html');
}
