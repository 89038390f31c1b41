// CSRF defence for everything under /admin that changes something (login, logout, Bull Board's
// actions). SameSite=Strict keeps the cookie from cross-site requests, but a page on a sibling
// subdomain is same-site and gets it; so a non-GET/HEAD request is refused (403 CROSS_SITE_REQUEST)
// when the browser says it comes from elsewhere: an Origin that isn't this request's own origin, or
// a Sec-Fetch-Site other than "same-origin". Scripts (curl with a bearer token) send neither and pass.
//
// The hook answers by itself instead of throwing: it also guards Bull Board's routes, whose
// context has Bull Board's error handler (it would make our error a 500).

import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../api-error.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD']);

export function sameOriginGuard() {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (SAFE_METHODS.has(request.method)) return;
    const why = crossSiteReason(request);
    if (why === null) return;
    request.log.warn({ method: request.method, url: request.url, why }, 'cross-site admin request refused');
    const e = new ApiError('CROSS_SITE_REQUEST', `refused ${request.method} ${request.routeOptions.url ?? request.url}: ${why}; a change under /admin must come from a page of this origin (or from a script with a bearer token)`);
    await reply.status(e.status).send(e.toBody());
  };
}

/** Why the request looks cross-site, or null when nothing says it is. */
function crossSiteReason(request: FastifyRequest): string | null {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return `Sec-Fetch-Site is "${site}"`;
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== ownOrigin(request)) return `Origin ${origin} is not ${ownOrigin(request) ?? 'this server'}`;
  return null;
}

/** This request's origin as a browser would write it (scheme://host[:port], default port left out). */
function ownOrigin(request: FastifyRequest): string | null {
  try {
    return new URL(`${request.protocol}://${request.host}`).origin;
  } catch {
    return null;
  }
}
