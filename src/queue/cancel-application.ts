// Kills a job's application for a cancel and records the outcome. If the application finished
// before the kill took effect, its real outcome is recorded: a late cancel never turns a success
// into KILLED (ARCHITECTURE.md, Cancelling).

import type { RegionContext } from './region-context.ts';
import { finishWithApplication } from './finish-with-application.ts';
import { YarnError } from '../yarn/errors.ts';

export async function cancelApplication(ctx: RegionContext, jobId: string, applicationId: string, signal?: AbortSignal): Promise<'done' | 'not-submitted'> {
  const job = await ctx.store.get(jobId);
  const by = job?.cancel?.by ?? 'sluice';
  try {
    await ctx.rm.kill(applicationId, `cancelled through Sluice by ${by}`, { signal });
  } catch (err) {
    // Reserved but never submitted: nothing runs. The submit step re-checks the cancel flag.
    if (err instanceof YarnError && err.code === 'APP_NOT_FOUND') return 'not-submitted';
    throw err;
  }
  const app = await ctx.rm.getApplication(applicationId, signal);
  await finishWithApplication(ctx, jobId, app, 'cancelled');
  return 'done';
}
