// GET /v1/analytics/adoption: the migration view (ARCHITECTURE.md, Rollout), from the per-day
// counters kept as jobs end and submissions are refused — never a scan of job records.

import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ADOPTION_GROUPINGS, adoptionReport } from '../../rollout/index.ts';
import { ADOPTION_KEEP_DAYS, adoptionDay } from '../../store/index.ts';
import type { ApiDeps } from '../api-deps.ts';
import { json, v1Errors } from '../openapi.ts';
import { regionFor } from '../region-access.ts';
import { mayUseRegion } from '../auth.ts';

const DAY_MS = 24 * 3600 * 1000;
const DEFAULT_DAYS = 30;

const query = z.strictObject({
  by: z.enum(ADOPTION_GROUPINGS).default('region'),
  // A day as it is, or a time with its offset (a time without one would be read in the server's zone).
  since: z.union([z.iso.date(), z.iso.datetime({ offset: true })], { error: 'must be a day (YYYY-MM-DD) or an ISO time with an offset (…Z, …+02:00)' })
    .transform((s) => (s.length === 10 ? s : adoptionDay(Date.parse(s))))
    .refine((day) => day <= adoptionDay(Date.now()), 'must not be after today (UTC)')
    .optional()
    .describe(`the first UTC day counted (a time counts from its day); default ${DEFAULT_DAYS} days ago, at most ${ADOPTION_KEEP_DAYS} days ago`),
  region: z.string().optional().describe('only this region'),
});

export function adoptionRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.withTypeProvider<ZodTypeProvider>().get('/v1/analytics/adoption', {
    schema: {
      summary: 'the migration view: on Sluice, shadowed, refused — per region, team or DAG',
      description: 'Counted per UTC day as jobs end (Sluice, by terminal state; shadowed, by whether they would have run) and as submissions are refused by the rollout (still on the old path). Only the regions this token may use.',
      querystring: query,
      response: { 200: json('the counts', adoptionReport), ...v1Errors('INVALID_REQUEST', 'REGION_NOT_FOUND', 'FORBIDDEN_REGION') },
    },
  }, async (request) => {
    const q = request.query;
    const principal = request.principal!;
    const regions = q.region ? [regionFor(deps, principal, q.region).name] : [...deps.regions.keys()].filter((r) => mayUseRegion(principal, r));
    const now = Date.now();
    const earliest = adoptionDay(now - (ADOPTION_KEEP_DAYS - 1) * DAY_MS);
    const asked = q.since ?? adoptionDay(now - (DEFAULT_DAYS - 1) * DAY_MS);
    // Counters older than their keep time are gone: counting from further back would only cost reads.
    const sinceDay = asked < earliest ? earliest : asked;
    return deps.adoption.report({ regions, by: q.by, sinceDay });
  });
}
