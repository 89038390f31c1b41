// Liveness and readiness, without auth: /healthz says the process answers, /readyz that Redis does.

import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../api-deps.ts';
import { ApiError } from '../api-error.ts';

export function healthRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async () => {
    try {
      await deps.redis.ping();
    } catch (err) {
      throw new ApiError('NOT_READY', `Redis is not reachable: ${(err as Error).message}`);
    }
    return { ok: true };
  });
}
