// The board's login: a form that POSTs a token (never in a URL), checked like a bearer token; an
// admin gets a session cookie, scoped to /admin and unreadable by scripts. A browser's form post
// is answered with pages, a JSON post with the API's error bodies. Failed logins are counted per
// address: too many and the address waits (429 TOO_MANY_LOGINS, Retry-After).

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../api-error.ts';
import type { Authenticator, Grant } from '../auth.ts';
import { ADMIN_COOKIE } from './admin-guard.ts';
import type { AdminSessions } from './admin-session.ts';
import type { LoginLimiter } from './login-limiter.ts';
import { loginPage, logoutPage, PAGE_CSP } from './login-page.ts';

export interface LoginRoutesOptions {
  auth: Authenticator;
  sessions: AdminSessions;
  /** Counts failed logins per client address. */
  limiter: LoginLimiter;
  /** Where the cookie is sent back (and the routes' own prefix): "/admin". */
  cookiePath: string;
  loginUrl: string;
  logoutUrl: string;
  /** Where a successful login lands. */
  boardUrl: string;
}

/** Routes relative to the admin prefix; hidden from /openapi.json (they are for browsers). */
export function loginRoutes(app: FastifyInstance, opts: LoginRoutesOptions): void {
  const { auth, sessions, limiter } = opts;
  const hide = { schema: { hide: true } };

  app.get('/login', hide, async (_request, reply) => sendPage(reply, 200, loginPage({ action: opts.loginUrl })));

  app.post('/login', hide, async (request, reply) => {
    const wait = limiter.retryAfterSeconds(request.ip);
    let grant: Grant;
    try {
      // A waiting address isn't told whether its token is good.
      if (wait > 0) throw new ApiError('TOO_MANY_LOGINS', `too many failed logins from this address: try again in ${wait} s`);
      grant = loginGrant(auth, request.body);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.code === 'TOO_MANY_LOGINS') void reply.header('retry-after', String(wait));
      else limiter.recordFailure(request.ip);
      request.log.warn({ code: err.code, ip: request.ip }, 'admin login refused');
      if (isForm(request)) return sendPage(reply, err.status, loginPage({ action: opts.loginUrl, error: err.message }));
      return reply.status(err.status).send(err.toBody());
    }
    const { principal, tokenDigest } = grant;
    const id = await sessions.create({ principal: principal.name, tokenDigest });
    request.log.info({ principal: principal.name }, 'admin login');
    void reply.setCookie(ADMIN_COOKIE, id, {
      httpOnly: true,
      sameSite: 'strict',
      path: opts.cookiePath,
      maxAge: sessions.ttlSeconds,
      // Behind a TLS-terminating proxy this needs Fastify's trustProxy to see https.
      secure: request.protocol === 'https',
    });
    return reply.redirect(opts.boardUrl, 303);
  });

  app.get('/logout', hide, async (_request, reply) => sendPage(reply, 200, logoutPage({ action: opts.logoutUrl })));

  app.post('/logout', hide, async (request, reply) => {
    const id = request.cookies[ADMIN_COOKIE];
    // The cookie goes first: even if Redis is away now, this browser is logged out.
    void reply.clearCookie(ADMIN_COOKIE, { path: opts.cookiePath, httpOnly: true, sameSite: 'strict' });
    if (id) await sessions.destroy(id);
    return reply.redirect(opts.loginUrl, 303);
  });
}

function loginGrant(auth: Authenticator, body: unknown): Grant {
  const token = (body as { token?: unknown } | null | undefined)?.token;
  if (typeof token !== 'string' || !token) throw new ApiError('INVALID_REQUEST', 'send the token in the field "token"');
  const grant = auth.grantOf(token);
  if (!grant) throw new ApiError('UNAUTHENTICATED', 'unknown token');
  if (!grant.principal.admin) throw new ApiError('ADMIN_REQUIRED', `admin required: principal ${grant.principal.name} is not an admin`);
  return grant;
}

function isForm(request: FastifyRequest): boolean {
  return (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
}

function sendPage(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', PAGE_CSP)
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .send(html);
}
