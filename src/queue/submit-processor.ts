// Takes one job from a region's submit queue and gets it exactly once onto YARN
// (ARCHITECTURE.md, Submitting exactly once). Every step can be repeated after a crash:
// the application id is found by tag or reserved set-if-absent before the submit, and YARN
// treats a second submit of the same id as a no-op.

import { DelayedError, UnrecoverableError, type Job as QueueJob } from 'bullmq';
import { isTerminal, jobError, type JobState } from '../jobs/index.ts';
import { isStoreUnavailable } from '../redis/index.ts';
import type { JobRecord } from '../store/index.ts';
import { buildDistributedShellSubmission, jobTag, SLUICE_APP_TYPE } from '../yarn/distributed-shell.ts';
import { isRetryable } from '../yarn/errors.ts';
import { cancelApplication } from './cancel-application.ts';
import { launchScriptFor } from './job-launch.ts';
import type { SubmitJobData } from './queue-names.ts';
import type { RegionContext } from './region-context.ts';

export function createSubmitProcessor(ctx: RegionContext) {
  return async function processSubmit(qjob: QueueJob<SubmitJobData>, token?: string, signal?: AbortSignal): Promise<void> {
    const { jobId } = qjob.data;
    const log = ctx.log.child({ jobId, step: 'submit' });
    try {
      await submit(ctx, { qjob, token }, jobId, log, signal);
    } catch (err) {
      // An RM outage or a Redis blip passes: retry (every step is safe to repeat).
      if (isRetryable(err) || isStoreUnavailable(err) || err instanceof DelayedError) throw err;
      // A 4xx from YARN or a bad job will not get better by retrying; YARN did not take it, so the
      // job ends here (KILLED if a cancel was waiting for this step).
      const current = await ctx.store.get(jobId);
      if (current?.state === 'CANCELLING') await finishCancelled(ctx, jobId, null, signal);
      else {
        await ctx.store.transition(jobId, 'FAILED', {
          error: jobError('SUBMIT_FAILED', `region ${ctx.region.name}: submit: ${(err as Error).message}`),
        }, ['QUEUED', 'PREFLIGHT', 'SUBMITTING']);
      }
      await ctx.staging.remove(jobId).catch(() => {});
      throw new UnrecoverableError((err as Error).message);
    }
  };
}

type Delivery = { qjob: QueueJob<SubmitJobData>; token: string | undefined };

async function submit(ctx: RegionContext, delivery: Delivery, jobId: string, log: RegionContext['log'], signal?: AbortSignal): Promise<void> {
  const { store, rm, region, preflight } = ctx;
  // One round trip reads the job and, when the region's checks allow, moves it QUEUED → PREFLIGHT
  // → SUBMITTING. With intake paused nothing moves: a QUEUED job goes back to the queue below.
  const until = !preflight.intakeOpen() ? 'read' : preflight.allPassing() ? 'SUBMITTING' : 'PREFLIGHT';
  const taken = await store.takeForSubmit(jobId, until);
  if (!taken || isTerminal(taken.job.state)) return;
  const job = taken.job;
  if (job.state === 'CANCELLING') return finishCancelled(ctx, jobId, job.applicationId, signal);
  if (job.state === 'ACCEPTED' || job.state === 'RUNNING') return; // already submitted and tracked

  if (job.state === 'QUEUED') {
    // Taken in the instant intake paused (BullMQ's blocked fetch still returns one job): put it
    // back untouched, still QUEUED, to be taken once the critical checks pass again.
    await delivery.qjob.moveToDelayed(Date.now() + 1000, delivery.token);
    throw new DelayedError();
  }
  if (job.state === 'PREFLIGHT') {
    // Some check of the region fails: does this job need it?
    const failing = preflight.failing(job.spec.requires);
    if (failing.length > 0) return waitForPreflight(ctx, delivery, job, failing);
    const moved = await store.transition(jobId, 'SUBMITTING', {}, ['PREFLIGHT']);
    if (moved.outcome !== 'ok') return recheck(ctx, jobId, null, signal);
  }
  // A redelivered job already SUBMITTING goes on from there: no step backwards in its events.

  let applicationId = job.applicationId;
  if (!applicationId) {
    // A submit this record no longer shows (a crash after it, lost Redis writes) left an
    // application with the job's tag: adopt it. A first delivery of a job recorded since this
    // worker's connection last came up cannot have one, so it skips the lookup (it lists
    // applications, which costs the RM a scan of all it holds).
    const existing = mayHaveSubmitted(ctx, delivery.qjob, taken.previous, job) ? await ownApplication(ctx, jobId, signal) : undefined;
    const candidate = existing?.id ?? (await rm.newApplication(signal)).applicationId;
    applicationId = await store.reserveApplicationId(jobId, candidate);
    if (existing) log.info({ applicationId }, 'adopted the application already submitted for this job');
  }

  const spec = job.spec;
  const staged = await ctx.staging.stage(jobId, 'launch.sh', launchScriptFor(jobId, spec, region, store.keys.ns));
  const submission = buildDistributedShellSubmission({
    jobId, applicationId, name: spec.name, region: region.name, namespace: store.keys.ns,
    queue: spec.queue ?? region.yarn.queue,
    memoryMb: spec.resources.memoryMb ?? region.yarn.defaults.memoryMb,
    vcores: spec.resources.vcores ?? region.yarn.defaults.vcores,
    script: staged,
  }, ctx.am);
  await rm.submitApplication(submission, signal);
  const submittedAtMs = Date.now();
  // ACCEPTED and tracked in one step: the tracker can't see the app before the job says ACCEPTED.
  const accepted = await store.transition(jobId, 'ACCEPTED', {
    submittedAtMs,
    application: { id: applicationId, state: 'SUBMITTED', finalStatus: 'UNDEFINED', trackingUrl: null, diagnostics: null },
  }, ['SUBMITTING'], { track: { applicationId, submittedAtMs } });
  log.info({ applicationId, outcome: accepted.outcome }, 'submitted');
  if (accepted.outcome !== 'ok') return recheck(ctx, jobId, applicationId, signal);
}

/**
 * Whether an application may already exist for this job: it was taken before (a failed attempt,
 * a stall after a crash, a delay), it was SUBMITTING when taken, or Redis may have lost writes made
 * for it (src/store/write-loss-watch.ts).
 */
function mayHaveSubmitted(ctx: RegionContext, qjob: QueueJob<SubmitJobData>, previous: JobState, job: JobRecord): boolean {
  return qjob.attemptsMade > 0 || (qjob.attemptsStarted ?? 0) > 1 || previous === 'SUBMITTING' || ctx.writeLoss.mayHaveLost(job.redisCreatedMs);
}

/**
 * A check the job needs fails: the job waits in PREFLIGHT (its queue entry delayed, not retried)
 * until the check passes or the job's preflight deadline, then fails naming the check.
 */
async function waitForPreflight(ctx: RegionContext, { qjob, token }: Delivery, job: JobRecord, failing: { name: string; code: string; message: string }[]): Promise<void> {
  const { region } = ctx;
  const deadline = Date.parse(job.createdAt) + (job.spec.preflightDeadlineSeconds ?? region.preflight.deadlineSeconds) * 1000;
  const now = Date.now();
  const what = failing.map((c) => `"${c.name}" (${c.code}: ${c.message})`).join(', ');
  if (now >= deadline) {
    await ctx.store.transition(job.id, 'FAILED', {
      error: jobError('PREFLIGHT_FAILED', `region ${region.name}: required check ${what} still failing at the preflight deadline`),
    }, ['PREFLIGHT']);
    return;
  }
  ctx.log.info({ jobId: job.id, failing: failing.map((c) => c.name) }, 'waiting in PREFLIGHT');
  // Look again about when the checks run again, never later than the deadline.
  const retryMs = Math.min(Math.max(500, region.preflight.intervalSeconds * 500), deadline - now);
  await qjob.moveToDelayed(now + retryMs, token);
  throw new DelayedError();
}

/**
 * The job moved under us (a cancel arrived): act on its current state. If it already ended while
 * we submitted, the application we just submitted must not run on unowned.
 */
async function recheck(ctx: RegionContext, jobId: string, submittedAppId: string | null, signal?: AbortSignal): Promise<void> {
  const job = await ctx.store.get(jobId);
  if (job?.state === 'CANCELLING') return finishCancelled(ctx, jobId, job.applicationId ?? submittedAppId, signal);
  if (job && isTerminal(job.state) && submittedAppId) {
    // Ended while we submitted: the application must not run unowned (a kill of one that has
    // finished already is a harmless no-op).
    await ctx.rm.kill(submittedAppId, `job ${jobId} had already ended (${job.state}) when its application was submitted`, { signal, deadlineMs: KILL_DEADLINE_MS });
  }
}

async function finishCancelled(ctx: RegionContext, jobId: string, applicationId: string | null, signal?: AbortSignal): Promise<void> {
  // The app may exist although the record lost its id: look it up by tag as the submit would.
  const appId = applicationId ?? (await ownApplication(ctx, jobId, signal))?.id ?? null;
  if (appId && (await cancelApplication(ctx, jobId, appId, signal)) === 'done') return;
  // Nothing was ever submitted (or only an id reserved): nothing runs, so the job is simply KILLED.
  const job = await ctx.store.get(jobId);
  await ctx.store.transition(jobId, 'KILLED', {
    killReason: 'cancelled',
    error: jobError('KILLED', `cancelled by ${job?.cancel?.by ?? 'unknown'} before submission`),
    ...(appId ? { application: { id: appId, state: null, finalStatus: null, trackingUrl: null, diagnostics: null } } : {}),
  });
  if (appId) await ctx.store.untrackApplication(ctx.region.name, appId);
  await ctx.staging.remove(jobId).catch(() => {});
}

/**
 * The job's own (Distributed Shell) application on YARN, found by the job's tag: what a hadoop-jar
 * job started carries the same tag but is not the job's application.
 */
async function ownApplication(ctx: RegionContext, jobId: string, signal?: AbortSignal) {
  const tagged = await ctx.rm.listApplications({ tags: [jobTag(jobId)] }, signal);
  return tagged.find((app) => app.applicationType === SLUICE_APP_TYPE);
}

/** A kill from the submit step waits this long for YARN, then the attempt is retried. */
const KILL_DEADLINE_MS = 30_000;
