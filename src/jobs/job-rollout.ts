// How a job stands towards its region's rollout (ARCHITECTURE.md, Rollout): the mode it was
// accepted under, and for a job accepted in shadow mode the report of whether it would have run.

import { z } from 'zod';

/** off: refused · shadow: recorded and judged, never sent to YARN · canary: some jobs · on: all. */
export const ROLLOUT_MODES = ['off', 'shadow', 'canary', 'on'] as const;
export type RolloutMode = (typeof ROLLOUT_MODES)[number];

/** Why a shadowed job would not have run now: one code a reason, with what it means. */
export const SHADOW_FINDINGS = {
  NO_WORKER: 'no worker has reported for the region: nothing would take the job',
  INTAKE_PAUSED: "a critical preflight check of the region fails: its worker takes no jobs now, the job would wait QUEUED",
  CHECK_FAILING: 'a preflight check the job requires fails now: the job would wait in PREFLIGHT and fail at its deadline',
  UNKNOWN_CHECK: 'the job requires a preflight check the region does not have: it would be refused (400)',
  LIMIT_EXCEEDED: "the job asks for more than the region's limits (memory, vcores or timeout): it would be refused (400)",
  UNKNOWN_QUEUE: 'the ResourceManager has no leaf queue of that name: YARN would refuse the submission',
} as const;

export type ShadowFindingCode = keyof typeof SHADOW_FINDINGS;

export const shadowFinding = z.object({
  code: z.enum(Object.keys(SHADOW_FINDINGS) as [ShadowFindingCode, ...ShadowFindingCode[]]),
  message: z.string(),
});

export const shadowReport = z.object({
  wouldRun: z.boolean().describe('true when nothing in `findings` stood in the way at acceptance'),
  findings: z.array(shadowFinding),
  /** The YARN queue the job would use, and whether the RM lists it (null: the RM has not said). */
  queue: z.object({ name: z.string(), known: z.boolean().nullable() }),
  checkedAt: z.string(),
}).describe('a shadowed job: would it have run at acceptance, and if not, why');

export const jobRollout = z.object({
  mode: z.enum(['shadow', 'canary', 'on']).describe('the region\'s rollout mode when the job was accepted; a later change never touches the job'),
  reason: z.string().describe('why the job was let in (canary: the allow-list entry or hash bucket)'),
});

export type ShadowFinding = z.infer<typeof shadowFinding>;
export type ShadowReport = z.infer<typeof shadowReport>;
export type JobRollout = z.infer<typeof jobRollout>;
