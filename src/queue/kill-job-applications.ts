// Kills every live application that carries a job's tag, except `skip`: a hadoop-jar job's
// MapReduce run (tagged through -Dmapreduce.job.tags) or a stray duplicate. One kill request each,
// no waiting: the caller's own loop (tracker tick, reconciliation pass) looks again later.

import { jobTag } from '../yarn/distributed-shell.ts';
import { LIVE_APP_STATES, type YarnApplication } from '../yarn/resource-manager.ts';
import type { RegionContext } from './region-context.ts';

/** Returns the applications it asked the RM to kill, as listed before the kill. */
export async function killJobApplications(ctx: RegionContext, jobId: string, diagnostics: string, skip?: string, signal?: AbortSignal): Promise<YarnApplication[]> {
  const apps = await ctx.rm.listApplications({ tags: [jobTag(jobId)], states: [...LIVE_APP_STATES] }, signal);
  const targets = apps.filter((a) => a.id !== skip && a.tags.includes(jobTag(jobId)));
  for (const app of targets) {
    ctx.log.info({ jobId, applicationId: app.id, applicationType: app.applicationType }, 'killing an application that carries the job tag');
    await ctx.rm.requestKill(app.id, diagnostics, signal);
  }
  return targets;
}
