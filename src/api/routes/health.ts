// Liveness and readiness, without auth: /healthz says the process answers, /readyz that Redis does.

import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ApiDeps } from '../api-deps.ts';
import { ApiError } from '../api-error.ts';
import { errors, json } from '../openapi.ts';

const ok = z.object({ ok: z.literal(true) });

export function healthRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/healthz', { schema: { summary: 'liveness: the process answers', response: { 200: json('alive', ok) } } }, async () => ({ ok: true }));
  app.get('/readyz', { schema: { summary: 'readiness: Redis answers', response: { 200: json('ready', ok), ...errors('NOT_READY') } } }, async () => {
    try {
      await deps.redis.ping();
    } catch (err) {
      throw new ApiError('NOT_READY', `Redis is not reachable: ${(err as Error).message}`);
    }
    return { ok: true };
  });
}
