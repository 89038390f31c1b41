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

/**
 * An application the job's own application started, found by the job's tag: a spark job's Spark
 * application (its trackingUrl is the Spark UI), a hadoop-jar job's MapReduce run.
 */
export const childApplicationView = z.object({
  id: z.string(),
  /** YARN's application type: SPARK, MAPREDUCE, ... (null in records written before it was kept). */
  type: z.string().nullable(),
  state: z.string(),
  finalStatus: z.string(),
  trackingUrl: z.string().nullable(),
  diagnostics: z.string().nullable(),
});
export type ChildApplication = z.infer<typeof childApplicationView>;

/** A stored child as the view shows it (older records kept only id, state and finalStatus). */
export function normalizeChild(c: Partial<ChildApplication> & Pick<ChildApplication, 'id' | 'state' | 'finalStatus'>): ChildApplication {
  return { id: c.id, type: c.type ?? null, state: c.state, finalStatus: c.finalStatus, trackingUrl: c.trackingUrl ?? null, diagnostics: c.diagnostics ?? null };
}

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
  /** Applications the job's own application started (a spark job's Spark application, a hadoop-jar job's MapReduce run). */
  childApplications: z.array(childApplicationView),
  error: z.object({ code: jobErrorCode, message: z.string() }).nullable(),
  cancel: z.object({ requestedAt: z.string(), by: z.string(), reason: z.string() }).nullable(),
  killReason: z.enum(KILL_REASONS).nullable(),
  /** The region's rollout mode at acceptance (null for a job accepted before rollouts were recorded). */
  rollout: jobRollout.nullable(),
  /** For a SHADOWED job: would it have run, and if not, why. */
  shadow: shadowReport.nullable(),
});

export type Job = z.infer<typeof jobView>;

/** Why `applicationId` is not one of the job's (its own or a child of it), or null when it is. */
export function notTheJobsApplication(job: Pick<Job, 'id' | 'application' | 'childApplications'>, applicationId: string): string | null {
  const ids = [job.application?.id, ...job.childApplications.map((c) => c.id)].filter((id): id is string => !!id);
  return ids.includes(applicationId) ? null : `application ${applicationId} is not one of job ${job.id}'s (${ids.join(', ') || 'none yet'})`;
}
export type ApplicationView = z.infer<typeof applicationView>;
