// Records a job's terminal state from its application's final YARN state and its children's; the
// terminal move also stops tracking it (one step, in the store). Shared by the tracker, the cancel
// path and reconciliation, so the outcome rules (job-outcome.ts) and the error shape live in one place.

import { isTerminal, mapYarnState, type JobState, type KillReason } from '../jobs/index.ts';
import { jobTag } from '../yarn/distributed-shell.ts';
import type { YarnApplication } from '../yarn/resource-manager.ts';
import { hasLiveChild, parentJobOf, refreshChildren, sameChildren, type ChildApplication } from './child-applications.ts';
import { childErrorLine } from './child-error.ts';
import { failedChildFirst, jobOutcome } from './job-outcome.ts';
import type { RegionContext } from './region-context.ts';

export function applicationView(app: YarnApplication) {
  return {
    id: app.id, state: app.state, finalStatus: app.finalStatus,
    trackingUrl: app.trackingUrl, diagnostics: app.diagnostics || null,
  };
}

/**
 * What finishing needs to know of the job. The tracker passes what its batched read of the tick
 * found (read after the RM's answer, so a cancel or timeout recorded before the kill is in it);
 * the other callers let it be read here.
 */
export interface JobFacts {
  state: JobState;
  killReason: KillReason | null;
  /** A cancel was requested. */
  cancelled: boolean;
  timeoutSeconds: number;
  childApplications: ChildApplication[];
}

/**
 * Applies a finished application's state to its job. Returns false when the app is not finished.
 * `known`: the job's facts if already read (null: the job is gone); read here when undefined.
 * `seenChildren`: the job's children as the tracker's lists showed them (any state); when not
 * given, the RM is asked for what carries the job's tag, once.
 */
export async function finishWithApplication(
  ctx: RegionContext, jobId: string, app: YarnApplication, killReason?: KillReason, known?: JobFacts | null, seenChildren?: YarnApplication[],
): Promise<boolean> {
  const mapped = mapYarnState(app.state, app.finalStatus);
  if (mapped.state !== 'SUCCEEDED' && mapped.state !== 'FAILED' && mapped.state !== 'KILLED') return false;
  const job = known === undefined ? await readFacts(ctx, jobId) : known;
  const removeStaged = () => ctx.staging.remove(jobId).catch((err) => ctx.log.warn({ err, jobId }, 'could not remove staged files'));
  if (!job || isTerminal(job.state)) {
    // Ended (or gone) by another path: its tracked entry, if any, is stale; nothing else to read.
    await ctx.store.untrackApplication(ctx.region.name, app.id);
    await removeStaged();
    return true;
  }
  // The tracker may see the kill before the cancel path records it: a requested cancel is the reason.
  const reason = killReason ?? job.killReason ?? (job.cancelled ? 'cancelled' : 'external');
  if (app.state === 'FINISHED' && (job.state === 'SUBMITTING' || job.state === 'ACCEPTED')) {
    // The application ran (its AM finished) between two ticks: record RUNNING so every consumer
    // sees the same lifecycle, however short the job.
    await ctx.store.transition(jobId, 'RUNNING', { application: { ...applicationView(app), state: 'RUNNING', finalStatus: 'UNDEFINED' } }, ['SUBMITTING', 'ACCEPTED']);
  }
  // A terminal record never changes again: what its children did is read now, once.
  const seen = seenChildren ?? await childrenByTag(ctx, jobId);
  const recorded = job.childApplications;
  const children = hasLiveChild(recorded) || seen.length ? await refreshChildren(ctx, recorded, seen) : recorded;
  const failed = failedChildFirst(children);
  const childError = failed?.finalStatus === 'FAILED' ? await childErrorLine(ctx, failed.id) : null;
  const outcome = jobOutcome({
    mapped, diagnostics: app.diagnostics, applicationId: app.id, children, reason, timeoutSeconds: job.timeoutSeconds, childError,
  });
  const patch = {
    application: applicationView(app),
    ...(sameChildren(children, recorded) ? {} : { childApplications: children }),
    ...(outcome.state === 'KILLED' ? { killReason: reason } : {}),
    ...(outcome.error ? { error: outcome.error } : {}),
  };
  const moved = await ctx.store.transition(jobId, outcome.state, patch);
  // Ended meanwhile by another path: its tracked entry, if any, is stale.
  if (moved.outcome !== 'ok') await ctx.store.untrackApplication(ctx.region.name, app.id);
  await removeStaged();
  return true;
}

/** What carries the job's tag besides its own application (a child the tracker may not have seen). */
async function childrenByTag(ctx: RegionContext, jobId: string): Promise<YarnApplication[]> {
  try {
    const apps = await ctx.rm.listApplications({ tags: [jobTag(jobId)] });
    return apps.filter((a) => parentJobOf(a, ctx.region.name, ctx.store.keys.ns) === jobId);
  } catch (err) {
    ctx.log.warn({ err, jobId }, `region ${ctx.region.name}: could not list job ${jobId}'s child applications; its end is judged on what is recorded`);
    return [];
  }
}

async function readFacts(ctx: RegionContext, jobId: string): Promise<JobFacts | null> {
  const job = await ctx.store.get(jobId);
  return job && {
    state: job.state, killReason: job.killReason, cancelled: !!job.cancel,
    timeoutSeconds: job.timeoutSeconds, childApplications: job.childApplications,
  };
}
