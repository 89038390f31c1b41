// Kills a job's application for a cancel and records the outcome. If the application finished
// before the kill took effect, its real outcome is recorded: a late cancel never turns a success
// into KILLED (ARCHITECTURE.md, Cancelling).

import type { RegionContext } from './region-context.ts';
import { finishWithApplication } from './finish-with-application.ts';
import { YarnError } from '../yarn/errors.ts';
import { killJobApplications } from './kill-job-applications.ts';

/** A kill still "in progress" after this fails the attempt; the control queue retries it. */
const CANCEL_KILL_DEADLINE_MS = 30_000;

export async function cancelApplication(ctx: RegionContext, jobId: string, applicationId: string, signal?: AbortSignal): Promise<'done' | 'not-submitted'> {
  const job = await ctx.store.get(jobId);
  const by = job?.cancel?.by ?? 'sluice';
  // What the job's application started (a Spark application, a MapReduce run) goes first: a
  // cluster-mode Spark application does not need its spark-submit to go on running, so killed after
  // its launcher it would run on unwatched meanwhile. Once more after the launcher is gone, for one
  // it started in between. Not finding them stops no kill: the launcher must go regardless.
  const children = () => killJobApplications(ctx, jobId, `job ${jobId} cancelled through Sluice by ${by}`, applicationId, signal);
  await children();
  try {
    await ctx.rm.kill(applicationId, `cancelled through Sluice by ${by}`, { signal, deadlineMs: CANCEL_KILL_DEADLINE_MS });
  } catch (err) {
    // Reserved but never submitted: nothing runs. The submit step re-checks the cancel flag.
    if (err instanceof YarnError && err.code === 'APP_NOT_FOUND') return 'not-submitted';
    throw err;
  }
  await children();
  // Finishing asks the RM for what carries the job's tag: the children just killed are on the
  // record, seen or not by the tracker.
  const app = await ctx.rm.getApplication(applicationId, signal);
  await finishWithApplication(ctx, jobId, app, 'cancelled');
  return 'done';
}
