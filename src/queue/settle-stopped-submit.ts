// A job whose submit stopped for good without an end: its retries ran out, it failed for good, or
// its queue entry is gone. What it becomes depends on how far it got:
// - an application id is reserved: YARN may have accepted the submit, so reconciliation asks YARN
//   (and either tracks the application or ends the job), never leaving an application untracked;
// - a cancel was asked for: nothing reached YARN, so the job is KILLED, as cancelled;
// - otherwise: FAILED SUBMIT_FAILED, with the reason.

import { isTerminal, jobError } from '../jobs/index.ts';
import type { JobStore } from '../store/index.ts';

export type SettleOutcome = 'reconcile' | 'killed' | 'failed' | 'none';

export async function settleStoppedSubmit(store: JobStore, region: string, jobId: string, reason: string): Promise<SettleOutcome> {
  const job = await store.get(jobId);
  if (!job || isTerminal(job.state)) return 'none';
  if (job.applicationId) {
    await store.markForReconcile(region, jobId);
    return 'reconcile';
  }
  if (job.state === 'CANCELLING') {
    const moved = await store.transition(jobId, 'KILLED', {
      killReason: 'cancelled',
      error: jobError('KILLED', `cancelled by ${job.cancel?.by ?? 'unknown'} before submission (${reason})`),
    }, ['CANCELLING']);
    return moved.outcome === 'ok' ? 'killed' : 'none';
  }
  const moved = await store.transition(jobId, 'FAILED', { error: jobError('SUBMIT_FAILED', `region ${region}: ${reason}`) }, ['QUEUED', 'PREFLIGHT', 'SUBMITTING']);
  return moved.outcome === 'ok' ? 'failed' : 'none';
}
