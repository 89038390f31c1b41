// A region's rollout setting (ARCHITECTURE.md, Rollout): the region file gives the starting one, an
// admin changes it live (PUT /v1/regions/{name}/rollout). One schema serves both.

import { z } from 'zod';
import { labelValue, ROLLOUT_MODES } from '../jobs/index.ts';

const name = labelValue.min(1);

/** Which jobs a canary lets in: any allow-list match, or a stable hash bucket under `percent`. */
export const canaryConfig = z.strictObject({
  /** `labels.team` values. */
  teams: z.array(name).max(1000).default([]),
  /** `labels.dag` values. */
  dags: z.array(name).max(1000).default([]),
  /** `<labels.dag>/<labels.task>`: a task id is unique only within its DAG. */
  tasks: z.array(z.string().regex(/^[\x21-\x2e\x30-\x7e]{1,63}\/[\x21-\x7e]{1,63}$/, 'must be "<dag>/<task>"')).max(1000).default([]),
  /** Share of rollout keys let in, 0–100 in steps of 0.01; raising it keeps every key already in. */
  percent: z.number().min(0).max(100).multipleOf(0.01).default(0),
});

export const rolloutConfig = z.strictObject({
  mode: z.enum(ROLLOUT_MODES),
  canary: canaryConfig.default({ teams: [], dags: [], tasks: [], percent: 0 }),
});

export type CanaryConfig = z.infer<typeof canaryConfig>;
export type RolloutConfig = z.infer<typeof rolloutConfig>;

export const DEFAULT_ROLLOUT: RolloutConfig = { mode: 'on', canary: { teams: [], dags: [], tasks: [], percent: 0 } };
