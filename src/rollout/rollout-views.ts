// The rollout API's shapes (requests and answers), shared by the routes, /openapi.json and the
// typed client (src/client).

import { z } from 'zod';
import { ROLLOUT_MODES } from '../jobs/index.ts';
import { canaryConfig, rolloutConfig } from '../regions/rollout-config.ts';

/** A region's rollout in force: the setting plus where it came from. */
export const rolloutView = rolloutConfig.extend({
  version: z.int().describe('0: the region file\'s setting; each live change adds 1'),
  source: z.enum(['file', 'live']),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
  reason: z.string().nullable(),
});

/** PUT /v1/regions/{name}/rollout. `canary`, when given, replaces the whole canary setting. */
export const rolloutChange = z.strictObject({
  mode: z.enum(ROLLOUT_MODES),
  canary: canaryConfig.optional(),
  reason: z.string().trim().min(1, 'is required: say why the rollout changes').max(500),
});

export const rolloutHistoryEntry = z.object({
  id: z.string().describe('the history stream id'),
  version: z.int(),
  at: z.string(),
  by: z.string(),
  from: rolloutConfig,
  to: rolloutConfig,
  reason: z.string(),
});

export const rolloutChangeResult = z.object({
  rollout: rolloutView,
  change: rolloutHistoryEntry.nullable().describe('null when the setting asked for was already in force (nothing recorded)'),
});

export const ROLLOUT_ROUTES = ['sluice', 'shadow', 'legacy'] as const;

export const rolloutDecision = z.object({
  region: z.string(),
  route: z.enum(ROLLOUT_ROUTES).describe('sluice: submit it · shadow: submit it, and still run it the old way · legacy: run it the old way'),
  mode: z.enum(ROLLOUT_MODES),
  reason: z.string(),
  version: z.int(),
  rolloutKey: z.string().nullable().describe('what the canary percentage hashes: `rolloutKey`, else `<dag>/<task>`, else `<dag>`'),
  bucket: z.int().nullable().describe('the key\'s stable bucket, 0–9999; in when below percent × 100'),
});

const stateCounts = z.object({ SUCCEEDED: z.int(), FAILED: z.int(), KILLED: z.int(), total: z.int() });

export const adoptionCounts = z.object({
  sluice: stateCounts.describe('jobs that ran through Sluice and ended, by terminal state'),
  successRate: z.number().nullable().describe('SUCCEEDED / total on Sluice; null when none ended'),
  shadowed: z.object({ total: z.int(), wouldRun: z.int(), wouldNotRun: z.int() }),
  refused: z.object({ NOT_IN_ROLLOUT: z.int(), REGION_DISABLED: z.int(), total: z.int() }).describe('submissions refused by the rollout: still on the old path'),
});

export const ADOPTION_GROUPINGS = ['region', 'team', 'dag'] as const;

export const adoptionReport = z.object({
  by: z.enum(ADOPTION_GROUPINGS),
  since: z.string().describe('first UTC day counted (YYYY-MM-DD)'),
  until: z.string().describe('last UTC day counted (today)'),
  groups: z.array(adoptionCounts.extend({ key: z.string().describe('the region, team or DAG; "(none)" for jobs without that label') })),
  totals: adoptionCounts,
});

export type RolloutView = z.infer<typeof rolloutView>;
export type RolloutChange = z.input<typeof rolloutChange>;
export type RolloutHistoryEntry = z.infer<typeof rolloutHistoryEntry>;
export type RolloutChangeResult = z.infer<typeof rolloutChangeResult>;
export type RolloutDecision = z.infer<typeof rolloutDecision>;
export type RolloutRoute = (typeof ROLLOUT_ROUTES)[number];
export type AdoptionCounts = z.infer<typeof adoptionCounts>;
export type AdoptionReport = z.infer<typeof adoptionReport>;
export type AdoptionGrouping = (typeof ADOPTION_GROUPINGS)[number];
