// The job record as the API returns it (ARCHITECTURE.md, HTTP API: "Job (response)").

import { z } from 'zod';
import { JOB_ERRORS, type JobErrorCode } from './job-errors.ts';
import { jobRollout, shadowReport } from './job-rollout.ts';
import { JOB_STATES, KILL_REASONS } from './job-state.ts';

/** A job's `error.code`: exactly the keys of JOB_ERRORS (their meanings go to /openapi.json). */
export const jobErrorCode = z.enum(Object.keys(JOB_ERRORS) as [JobErrorCode, ...JobErrorCode[]]);

export const applicationView = z.object({
  id: z.string(),
  state: z.string().nullable(),
  finalStatus: z.string().nullable(),
  trackingUrl: z.string().nullable(),
  diagnostics: z.string().nullable(),
});

export const jobView = z.object({
  id: z.string(),
  region: z.string(),
  name: z.string(),
  kind: z.string(),
  state: z.enum(JOB_STATES),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
  principal: z.string(),
  idempotencyKey: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
  application: applicationView.nullable(),
  /** Applications the job's own application started (a hadoop-jar job's MapReduce run), found by the job's tag. */
  childApplications: z.array(z.object({ id: z.string(), state: z.string(), finalStatus: z.string() })),
  error: z.object({ code: jobErrorCode, message: z.string() }).nullable(),
  cancel: z.object({ requestedAt: z.string(), by: z.string(), reason: z.string() }).nullable(),
  killReason: z.enum(KILL_REASONS).nullable(),
  /** The region's rollout mode at acceptance (null for a job accepted before rollouts were recorded). */
  rollout: jobRollout.nullable(),
  /** For a SHADOWED job: would it have run, and if not, why. */
  shadow: shadowReport.nullable(),
});

export type Job = z.infer<typeof jobView>;
export type ApplicationView = z.infer<typeof applicationView>;
