// Takes cancel requests from a region's control queue. A job with an application is killed on the
// RM (repeating the kill until YARN answers 200); a job without one is left to the submit step,
// which re-checks the cancel flag before and right after submitting.

import type { Job as QueueJob } from 'bullmq';
import { isTerminal } from '../jobs/index.ts';
import { cancelApplication } from './cancel-application.ts';
import type { ControlJobData } from './queue-names.ts';
import type { RegionContext } from './region-context.ts';

export function createControlProcessor(ctx: RegionContext) {
  return async function processControl(qjob: QueueJob<ControlJobData>, _token?: string, signal?: AbortSignal): Promise<void> {
    const { jobId } = qjob.data;
    const job = await ctx.store.get(jobId);
    if (!job || isTerminal(job.state) || job.state !== 'CANCELLING') return;
    if (job.applicationId) {
      ctx.log.info({ jobId, applicationId: job.applicationId }, 'killing application for cancel');
      await cancelApplication(ctx, jobId, job.applicationId, signal);
    }
  };
}
