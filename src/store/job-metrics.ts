// Job metrics from the one place every state change goes through (JobStore.transition), in
// whichever process made the change: the API (cancel while queued, enqueue failures), a worker
// (everything else). Prometheus sums them across processes.

import { isTerminal, type JobState } from '../jobs/index.ts';
import { jobDuration, jobsAccepted, jobsFinished, submitToAccepted } from '../metrics/catalog.ts';

/** States in which YARN has not yet accepted the application. */
const BEFORE_YARN: ReadonlySet<JobState> = new Set(['QUEUED', 'PREFLIGHT', 'SUBMITTING']);

/** A job accepted (202); a shadow job ends right there, SHADOWED. */
export function observeCreated(job: { region: string; kind: string; state: JobState; rollout: { mode: string } | null }): void {
  const { region, kind } = job;
  jobsAccepted.inc({ region, kind, rollout: job.rollout?.mode ?? 'none' });
  if (isTerminal(job.state)) {
    jobsFinished.inc({ region, kind, state: job.state });
    jobDuration.observe({ region, kind, state: job.state }, 0);
  }
}

export function observeTransition(job: { region: string; kind: string; createdAt: string }, from: JobState, to: JobState, nowMs: number): void {
  const createdMs = Date.parse(job.createdAt);
  const seconds = Number.isFinite(createdMs) ? Math.max(0, (nowMs - createdMs) / 1000) : null;
  const { region, kind } = job;
  // YARN accepted it: the first move out of the states before YARN into one with an application.
  if (BEFORE_YARN.has(from) && (to === 'ACCEPTED' || to === 'RUNNING') && seconds !== null) {
    submitToAccepted.observe({ region, kind }, seconds);
  }
  if (isTerminal(to)) {
    jobsFinished.inc({ region, kind, state: to });
    if (seconds !== null) jobDuration.observe({ region, kind, state: to }, seconds);
  }
}
