// Records a job's terminal state from its application's final YARN state, and stops tracking it.
// Shared by the tracker, the cancel path and the submit processor so the mapping and the error
// shape live in one place.

import { mapYarnState, type KillReason } from '../jobs/index.ts';
import type { YarnApplication } from '../yarn/resource-manager.ts';
import type { RegionContext } from './region-context.ts';

export function applicationView(app: YarnApplication) {
  return {
    id: app.id, state: app.state, finalStatus: app.finalStatus,
    trackingUrl: app.trackingUrl, diagnostics: app.diagnostics || null,
  };
}

/** Applies a finished application's state to its job. Returns false when the app is not finished. */
export async function finishWithApplication(
  ctx: RegionContext, jobId: string, app: YarnApplication, killReason?: KillReason,
): Promise<boolean> {
  const mapped = mapYarnState(app.state, app.finalStatus);
  if (mapped.state !== 'SUCCEEDED' && mapped.state !== 'FAILED' && mapped.state !== 'KILLED') return false;
  const error =
    mapped.state === 'FAILED'
      ? { code: mapped.unexpected ? 'UNEXPECTED_YARN_STATE' : 'APPLICATION_FAILED', message: mapped.unexpected ?? (app.diagnostics || `application ${app.id} failed`) }
      : undefined;
  const job = await ctx.store.get(jobId);
  // The tracker may see the kill before the cancel path records it: a requested cancel is the reason.
  const reason = killReason ?? job?.killReason ?? (job?.cancel ? 'cancelled' : 'external');
  if (app.state === 'FINISHED' && (job?.state === 'SUBMITTING' || job?.state === 'ACCEPTED')) {
    // The application ran (its AM finished) between two ticks: record RUNNING so every consumer
    // sees the same lifecycle, however short the job.
    await ctx.store.transition(jobId, 'RUNNING', { application: { ...applicationView(app), state: 'RUNNING', finalStatus: 'UNDEFINED' } }, ['SUBMITTING', 'ACCEPTED']);
  }
  const patch = mapped.state === 'KILLED'
    ? { application: applicationView(app), killReason: reason, error: { code: reason === 'timeout' ? 'TIMEOUT' : 'KILLED', message: killMessage(reason, job?.timeoutSeconds, app.diagnostics) } }
    : { application: applicationView(app), ...(error ? { error } : {}) };
  await ctx.store.transition(jobId, mapped.state, patch);
  await ctx.store.untrackApplication(ctx.region.name, app.id);
  return true;
}

function killMessage(reason: KillReason, timeoutSeconds: number | undefined, diagnostics: string): string {
  if (reason === 'timeout') return `killed after its timeout of ${timeoutSeconds}s`;
  if (reason === 'cancelled') return 'killed: cancelled';
  if (reason === 'gateway') return `killed by Sluice${diagnostics ? `: ${diagnostics}` : ''}`;
  return `the application was killed outside Sluice${diagnostics ? `: ${diagnostics}` : ''}`;
}
