// Kills every live application that carries a job's tag, except `skip` (the job's own): what it
// started (a Spark application, a MapReduce run) or a stray duplicate. One kill request each, no
// waiting: the caller's own loop (tracker tick, reconciliation pass) looks again later. A list or a
// kill that fails is logged and nothing is thrown: a cancel or a timeout must reach the launcher after them.

import { jobTag } from '../yarn/distributed-shell.ts';
import { LIVE_APP_STATES, type YarnApplication } from '../yarn/resource-manager.ts';
import type { RegionContext } from './region-context.ts';

/** Returns the applications it asked the RM to kill, as listed before the kill. */
export async function killJobApplications(ctx: RegionContext, jobId: string, diagnostics: string, skip?: string, signal?: AbortSignal): Promise<YarnApplication[]> {
  let apps: YarnApplication[];
  try {
    apps = await ctx.rm.listApplications({ tags: [jobTag(jobId)], states: [...LIVE_APP_STATES] }, signal);
  } catch (err) {
    ctx.log.warn({ err, jobId }, `region ${ctx.region.name}: could not list job ${jobId}'s applications to kill them`);
    return [];
  }
  const targets = apps.filter((a) => a.id !== skip && a.tags.includes(jobTag(jobId)));
  const asked: YarnApplication[] = [];
  for (const app of targets) {
    ctx.log.info({ jobId, applicationId: app.id, applicationType: app.applicationType }, 'killing an application that carries the job tag');
    try {
      await ctx.rm.requestKill(app.id, diagnostics, signal);
      asked.push(app);
    } catch (err) {
      ctx.log.warn({ err, jobId, applicationId: app.id }, `region ${ctx.region.name}: could not kill application ${app.id} of job ${jobId}`);
    }
  }
  return asked;
}
