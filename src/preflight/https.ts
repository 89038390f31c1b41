// https: a GET through the region's dispatcher. Passing proves name resolution, the connection,
// the TLS handshake against the region's CAs and an HTTP answer; with expectStatus, the right one.

import { request } from 'undici';
import { runBounded, type CheckContext, type CheckResult } from './check-result.ts';
import type { HttpsCheck } from './check-schema.ts';

export function checkHttps(check: HttpsCheck, ctx: CheckContext): Promise<CheckResult> {
  return runBounded(check, ctx, check.url, async (signal) => {
    const res = await request(check.url, {
      dispatcher: ctx.routing.dispatcher,
      method: 'GET',
      headers: { accept: '*/*', 'user-agent': 'sluice-preflight' },
      signal,
    });
    // Only the status matters; drop the body without reading a large page.
    await res.body.dump({ limit: 64 * 1024 }).catch(() => {});
    const ok = check.expectStatus === undefined ? res.statusCode < 400 : res.statusCode === check.expectStatus;
    const expected = check.expectStatus === undefined ? 'below 400' : String(check.expectStatus);
    return ok
      ? { code: 'OK', message: `${check.url} answered ${res.statusCode}` }
      : { code: 'HTTP_ERROR', message: `${check.url} answered ${res.statusCode}, expected ${expected}` };
  });
}
