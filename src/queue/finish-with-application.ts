// Records a job's terminal state from its application's final YARN state; the terminal move also
// stops tracking it (one step, in the store). Shared by the tracker, the cancel path, the submit
// processor and reconciliation so the mapping and the error shape live in one place.

import { jobError, mapYarnState, type JobError, type JobState, type KillReason } from '../jobs/index.ts';
import type { YarnApplication } from '../yarn/resource-manager.ts';
import { failedChild, hasLiveChild, refreshChildren, sameChildren, type ChildApplication } from './child-applications.ts';
import { childErrorLine } from './child-error.ts';
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
  /** The job's children as the tracker's lists showed them this tick (any state). */
  seenChildren?: YarnApplication[];
}

/**
 * Applies a finished application's state to its job. Returns false when the app is not finished.
 * `known`: the job's facts if already read (null: the job is gone); read here when undefined.
 */
export async function finishWithApplication(
  ctx: RegionContext, jobId: string, app: YarnApplication, killReason?: KillReason, known?: JobFacts | null,
): Promise<boolean> {
  const mapped = mapYarnState(app.state, app.finalStatus);
  if (mapped.state !== 'SUCCEEDED' && mapped.state !== 'FAILED' && mapped.state !== 'KILLED') return false;
  const job = known === undefined ? await readFacts(ctx, jobId) : known;
  // The tracker may see the kill before the cancel path records it: a requested cancel is the reason.
  const reason = killReason ?? job?.killReason ?? (job?.cancelled ? 'cancelled' : 'external');
  if (app.state === 'FINISHED' && (job?.state === 'SUBMITTING' || job?.state === 'ACCEPTED')) {
    // The application ran (its AM finished) between two ticks: record RUNNING so every consumer
    // sees the same lifecycle, however short the job.
    await ctx.store.transition(jobId, 'RUNNING', { application: { ...applicationView(app), state: 'RUNNING', finalStatus: 'UNDEFINED' } }, ['SUBMITTING', 'ACCEPTED']);
  }
  // A terminal record never changes again: what its children did is read now, once.
  const recorded = job?.childApplications ?? [];
  const seen = job?.seenChildren ?? [];
  const children = hasLiveChild(recorded) || seen.length ? await refreshChildren(ctx, recorded, seen) : recorded;
  const failed = failedChild(children);
  const childError = failed?.finalStatus === 'FAILED' ? await childErrorLine(ctx, failed.id) : null;
  const outcome = jobOutcome(mapped, app, children, job, reason, childError);
  const patch = {
    application: applicationView(app),
    ...(sameChildren(children, recorded) ? {} : { childApplications: children }),
    ...(outcome.state === 'KILLED' ? { killReason: reason } : {}),
    ...(outcome.error ? { error: outcome.error } : {}),
  };
  const moved = await ctx.store.transition(jobId, outcome.state, patch);
  // Already ended (or gone) by another path: its tracked entry, if any, is stale.
  if (moved.outcome !== 'ok') await ctx.store.untrackApplication(ctx.region.name, app.id);
  await ctx.staging.remove(jobId).catch((err) => ctx.log.warn({ err, jobId }, 'could not remove staged files'));
  return true;
}

/**
 * The job's end from its own application's and its children's. A child that ended badly makes the
 * job FAILED with the child's diagnostics (a launcher that exited 0 after its Spark application
 * failed is still a failed job, and the driver's error says more than the launcher's exit code);
 * but when Sluice killed the children for a cancel or timeout, the job is KILLED, however its
 * launcher took the loss of its child.
 */
function jobOutcome(
  mapped: ReturnType<typeof mapYarnState>, app: YarnApplication, children: readonly ChildApplication[],
  job: JobFacts | null, reason: KillReason, childError: string | null,
): { state: 'SUCCEEDED' | 'FAILED' | 'KILLED'; error?: JobError } {
  const child = failedChild(children);
  const killedBySluice = reason === 'cancelled' || reason === 'timeout';
  if (mapped.state === 'KILLED' || (killedBySluice && child?.finalStatus === 'KILLED')) {
    return { state: 'KILLED', error: jobError(reason === 'timeout' ? 'TIMEOUT' : 'KILLED', killMessage(reason, job?.timeoutSeconds, app.diagnostics)) };
  }
  if (child && !mapped.unexpected) {
    const said = [child.diagnostics, childError && `the driver's error: ${childError}`].filter(Boolean).join('; ');
    return { state: 'FAILED', error: jobError('CHILD_APPLICATION_FAILED', `application ${child.id}${child.type ? ` (${child.type})` : ''} ended ${child.finalStatus}${said ? `: ${said}` : ''}`) };
  }
  if (mapped.state === 'FAILED') {
    return {
      state: 'FAILED',
      error: mapped.unexpected
        ? jobError('UNEXPECTED_YARN_STATE', mapped.unexpected)
        : jobError('APPLICATION_FAILED', app.diagnostics || `application ${app.id} failed`),
    };
  }
  return { state: 'SUCCEEDED' };
}

async function readFacts(ctx: RegionContext, jobId: string): Promise<JobFacts | null> {
  const job = await ctx.store.get(jobId);
  return job && {
    state: job.state, killReason: job.killReason, cancelled: !!job.cancel,
    timeoutSeconds: job.timeoutSeconds, childApplications: job.childApplications,
  };
}

function killMessage(reason: KillReason, timeoutSeconds: number | undefined, diagnostics: string): string {
  if (reason === 'timeout') return `killed after its timeout of ${timeoutSeconds}s`;
  if (reason === 'cancelled') return 'killed: cancelled';
  if (reason === 'gateway') return `killed by Sluice${diagnostics ? `: ${diagnostics}` : ''}`;
  return `the application was killed outside Sluice${diagnostics ? `: ${diagnostics}` : ''}`;
}
