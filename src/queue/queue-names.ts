// BullMQ queue names and options per region. The prefix carries a {hash tag} so that on a Redis
// Cluster all of one region's queue keys share a slot.

import type { JobsOptions } from 'bullmq';

export const submitQueueName = (region: string) => `submit-${region}`;
export const controlQueueName = (region: string) => `control-${region}`;
export const queuePrefix = (ns: string, region: string) => `${ns}:{bull-${region}}`;

export interface SubmitJobData { jobId: string }
export interface ControlJobData { jobId: string; action: 'cancel' }

/** Retries cover RM outages (5xx, unreachable): about 10 minutes of exponential backoff. */
export const submitJobOptions = (jobId: string): JobsOptions => ({
  jobId,
  attempts: 12,
  backoff: { type: 'exponential', delay: 1000 },
  // Job records keep the history; BullMQ's own copy is trimmed (idempotency outlives it).
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
});

export const controlJobOptions = (jobId: string): JobsOptions => ({
  // One cancel per job is enough; a repeated cancel must not queue a second kill loop.
  jobId: `cancel-${jobId}`,
  attempts: 20,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
});
