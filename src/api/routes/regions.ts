// GET /v1/regions: each region the caller may use, with its rollout, health, queue counts and the
// number of applications being tracked.

import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../api-deps.ts';
import { getRegionHealth } from '../../store/index.ts';
import { mayUseRegion } from '../auth.ts';

export function regionRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/v1/regions', async (request) => {
    const visible = [...deps.regions.values()].filter((r) => mayUseRegion(request.principal!, r.name));
    const regions = await Promise.all(visible.map(async (r) => {
      const [queue, tracked, health] = await Promise.all([
        deps.producer.counts(r.name),
        deps.redis.zcard(deps.store.keys.tracked(r.name)),
        getRegionHealth(deps.redis, deps.store.keys, r.name),
      ]);
      return { name: r.name, rollout: r.rollout, health, queue, trackedApplications: tracked };
    }));
    return { regions };
  });
}
