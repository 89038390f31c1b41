// GET /v1/regions: each region the caller may use, with its rollout, health, queue counts and the
// number of applications being tracked.

import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ApiDeps } from '../api-deps.ts';
import { getRegionHealth } from '../../store/index.ts';
import { mayUseRegion } from '../auth.ts';
import { rolloutView } from '../../rollout/index.ts';
import { json, v1Errors } from '../openapi.ts';

const count = z.number().int();
const regionView = z.object({
  name: z.string(),
  rollout: rolloutView,
  health: z.object({
    status: z.enum(['unknown', 'ok', 'degraded']),
    intake: z.enum(['open', 'paused', 'unknown']).describe('open: the worker takes jobs; paused: a critical check fails; unknown: no worker reported'),
    checks: z.array(z.looseObject({ name: z.string(), type: z.string(), ok: z.boolean(), code: z.string(), message: z.string(), latencyMs: z.number(), at: z.string() }))
      .describe("the last result of each of the region's preflight checks"),
    tracking: z.object({ ok: z.boolean(), message: z.string().nullable(), at: z.string() }).nullable(),
    queues: z.object({ names: z.array(z.string()), at: z.string() }).nullable()
      .describe("the queue names the region's ResourceManager takes submissions for, as its worker last read them; null: not said (yet), or the scheduler can't say"),
    at: z.string().nullable(),
  }),
  queue: z.object({ waiting: count, active: count, delayed: count, failed: count, completed: count }),
  trackedApplications: count,
});

export function regionRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/v1/regions', {
    schema: {
      summary: 'regions: rollout, health with every check, queue counts',
      response: { 200: json('the regions this token may use', z.object({ regions: z.array(regionView) })), ...v1Errors() },
    },
  }, async (request) => {
    const visible = [...deps.regions.values()].filter((r) => mayUseRegion(request.principal!, r.name));
    const regions = await Promise.all(visible.map(async (r) => {
      const [queue, tracked, health, rollout] = await Promise.all([
        deps.producer.counts(r.name),
        deps.redis.zcard(deps.store.keys.tracked(r.name)),
        getRegionHealth(deps.redis, deps.store.keys, r.name),
        deps.rollouts.current(r.name, r.rollout),
      ]);
      return { name: r.name, rollout, health, queue, trackedApplications: tracked };
    }));
    return { regions };
  });
}
