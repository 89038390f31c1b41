// Reconciliation: YARN's Sluice-tagged applications against the job records, so nothing runs
// that no job owns and no job loses its application (issue: "Reconciliation").
// - An application whose job has ended, or is unknown, is killed once it is older than the grace
//   period (a job that just ended may still be winding down; a record may be on its way).
// - A live job whose record lost its application id adopts it; one that lost its tracked entry is
//   tracked again.
// - A second Distributed Shell application for one job (a duplicate) is killed.
// - Other applications carrying a live job's tag (a hadoop-jar job's MapReduce run) are shown on
//   the job as childApplications.
// - A job whose submit stopped after YARN may have accepted it (store.markForReconcile) ends here:
//   tracked if YARN has its application, FAILED SUBMIT_FAILED (KILLED if cancelled) if not.
// - A job not on YARN long after it was recorded, whose queue entry is gone, is settled: FAILED
//   ENQUEUE_FAILED if it was never queued (its caller got a 503), else as a stopped submit.
// Each step runs on its own, so an RM outage stops only the steps that need the RM.

import { isTerminal, jobError, type JobState } from '../jobs/index.ts';
import { hasLiveChild, refreshChildren, sameChildren } from '../queue/child-applications.ts';
import { applicationView, finishWithApplication } from '../queue/finish-with-application.ts';
import { settleStoppedSubmit } from '../queue/settle-stopped-submit.ts';
import type { RegionContext } from '../queue/region-context.ts';
import type { JobRecord } from '../store/index.ts';
import { ownJobIdFromTags, SLUICE_APP_TYPE, SLUICE_TAG } from '../yarn/distributed-shell.ts';
import { YarnError } from '../yarn/errors.ts';
import { LIVE_APP_STATES, type YarnApplication } from '../yarn/resource-manager.ts';
import { orphansKilled } from '../metrics/catalog.ts';

const LIVE = [...LIVE_APP_STATES];
/** States in which a job's application is (or should be) in the region's tracked set. */
const TRACKED_STATES: JobState[] = ['ACCEPTED', 'RUNNING', 'CANCELLING'];

export interface ReconcileOptions {
  /** A stray application younger than this is left alone. */
  graceMs: number;
  /** A QUEUED job not in the queue after this long was never enqueued. */
  pendingGraceMs: number;
  /** Is the job in the region's submit queue (waiting, delayed, active)? */
  isQueued(jobId: string): Promise<boolean>;
  now(): number;
}

export interface ReconcileReport {
  killed: string[];
  adopted: string[];
  retracked: string[];
  failed: string[];
  children: number;
  /** Steps that failed this pass (e.g. "applications: …RM unreachable"); the others still ran. */
  errors: string[];
}

export class Reconciler {
  constructor(private readonly ctx: RegionContext, private readonly opts: ReconcileOptions) {
    // Exported from the start at 0, so increase() over it works before the first kill.
    orphansKilled.inc({ region: ctx.region.name }, 0);
  }

  async pass(signal?: AbortSignal): Promise<ReconcileReport> {
    const report: ReconcileReport = { killed: [], adopted: [], retracked: [], failed: [], children: 0, errors: [] };
    // Each step on its own: an RM outage stops only the steps that need the RM. The stalled jobs
    // go first, so those this pass hands to givenUp are settled in the same pass.
    const withLiveChildren = new Set<string>();
    const steps: [string, () => Promise<void>][] = [
      ['stalled jobs', () => this.stalled(report)],
      ['applications', () => this.applications(report, withLiveChildren, signal)],
      ['given-up submits', () => this.givenUp(report, signal)],
      ['tracked jobs', () => this.trackedJobs(withLiveChildren, signal)],
    ];
    for (const [name, step] of steps) {
      await step().catch((err: Error) => report.errors.push(`${name}: ${err.message}`));
    }
    return report;
  }

  /**
   * Every live Sluice-tagged application, by the job its tag names. The jobs whose children YARN
   * lists as live go into `withLiveChildren`.
   */
  private async applications(report: ReconcileReport, withLiveChildren: Set<string>, signal?: AbortSignal): Promise<void> {
    const { store, rm, region } = this.ctx;
    const apps = await rm.listApplications({ tags: [SLUICE_TAG], states: LIVE }, signal);
    const tracked = await store.trackedApplications(region.name);
    const children = new Map<string, { job: JobRecord; live: YarnApplication[] }>();
    for (const app of apps) {
      const jobId = ownJobIdFromTags(app.tags, region.name, store.keys.ns);
      // Another region's or deployment's (several may share one YARN), or tagged "sluice" by
      // someone else: not ours to judge.
      if (!jobId) continue;
      const job = await store.get(jobId);
      if (!job || isTerminal(job.state)) {
        if (await this.killIfOld(app, job ? `job ${jobId} has ended (${job.state})` : `no job ${jobId} is known`)) report.killed.push(app.id);
        continue;
      }
      if (app.applicationType !== SLUICE_APP_TYPE) {
        children.set(jobId, { job, live: [...(children.get(jobId)?.live ?? []), app] });
        continue;
      }
      if (job.applicationId && job.applicationId !== app.id) {
        if (await this.killIfOld(app, `job ${jobId} runs as ${job.applicationId}: a duplicate`)) report.killed.push(app.id);
        continue;
      }
      if (!job.applicationId) {
        if (await this.adopt(job, app)) report.adopted.push(jobId);
        continue;
      }
      if (TRACKED_STATES.includes(job.state) && !tracked.has(app.id)) {
        await store.transition(jobId, null, {}, TRACKED_STATES, { track: { applicationId: app.id, submittedAtMs: job.submittedAtMs ?? app.startedTime } });
        this.ctx.log.warn({ jobId, applicationId: app.id }, 'reconcile: application was not tracked; tracking it again');
        report.retracked.push(jobId);
      }
    }
    for (const [jobId, { job, live }] of children) {
      await this.recordChildren(job, live, signal);
      report.children += live.length;
      withLiveChildren.add(jobId);
    }
  }

  /** A job whose record lost its application id takes the one YARN has for it. */
  private async adopt(job: JobRecord, app: YarnApplication): Promise<boolean> {
    if ((await this.ctx.store.reserveApplicationId(job.id, app.id)) !== app.id) return false;
    if (!(await this.track(job, app))) return false;
    this.ctx.log.warn({ jobId: job.id, applicationId: app.id, state: job.state }, 'reconcile: adopted the application of a job whose record had lost it');
    return true;
  }

  /**
   * Puts a live job's application on the tracked set, ACCEPTED if the job was still SUBMITTING;
   * a cancelling job's application is asked to die as well (the tracker then records KILLED).
   */
  private async track(job: JobRecord, app: YarnApplication): Promise<boolean> {
    const { store, rm } = this.ctx;
    const submittedAtMs = job.submittedAtMs ?? app.startedTime;
    const patch = { submittedAtMs, application: applicationView(app) };
    const track = { track: { applicationId: app.id, submittedAtMs } };
    const moved = job.state === 'SUBMITTING'
      ? await store.transition(job.id, 'ACCEPTED', patch, ['SUBMITTING'], track)
      : await store.transition(job.id, null, patch, TRACKED_STATES, track);
    if (moved.outcome !== 'ok') return false;
    if (job.state === 'CANCELLING') await rm.requestKill(app.id, `job ${job.id} was cancelled`);
    return true;
  }

  /** Jobs whose submit stopped after an application id was reserved: YARN says how they end. */
  private async givenUp(report: ReconcileReport, signal?: AbortSignal): Promise<void> {
    const { store, rm, region } = this.ctx;
    for (const jobId of await store.toReconcile(region.name)) {
      const job = await store.get(jobId);
      if (!job || isTerminal(job.state)) {
        await store.reconciled(region.name, jobId);
        continue;
      }
      let app: YarnApplication | null = null;
      if (job.applicationId) {
        try {
          app = await rm.getApplication(job.applicationId, signal);
        } catch (err) {
          if (!(err instanceof YarnError && err.code === 'APP_NOT_FOUND')) continue; // RM away: next pass
        }
      }
      if (app) {
        if (!(await finishWithApplication(this.ctx, jobId, app))) await this.track(job, app);
        report.adopted.push(jobId);
      } else if (job.state === 'CANCELLING') {
        await store.transition(jobId, 'KILLED', {
          killReason: 'cancelled', error: jobError('KILLED', `cancelled by ${job.cancel?.by ?? 'unknown'} before YARN took the job`),
        }, ['CANCELLING']);
        report.failed.push(jobId);
      } else {
        await store.transition(jobId, 'FAILED', {
          error: jobError('SUBMIT_FAILED', `region ${region.name}: the submit stopped and YARN has no application for the job${job.applicationId ? ` (reserved ${job.applicationId})` : ''}`),
        });
        report.failed.push(jobId);
      }
      await store.reconciled(region.name, jobId);
    }
  }

  /**
   * Each tracked job, read once: an entry whose job has ended or is gone is dropped (a crash between
   * two writes of older versions); children recorded live that YARN no longer lists as live have
   * ended, and how is recorded.
   */
  private async trackedJobs(withLiveChildren: Set<string>, signal?: AbortSignal): Promise<void> {
    const { store, region } = this.ctx;
    for (const [appId, { jobId }] of await store.trackedApplications(region.name)) {
      const job = await store.get(jobId);
      if (!job || isTerminal(job.state)) await store.untrackApplication(region.name, appId);
      else if (!withLiveChildren.has(jobId) && hasLiveChild(job.childApplications)) await this.recordChildren(job, [], signal);
    }
  }

  /**
   * Jobs recorded but not on YARN's tracked set long after, whose queue entry is gone (failed for
   * good, or never added): nothing will move them any more, so they are settled here.
   */
  private async stalled(report: ReconcileReport): Promise<void> {
    const { store, region } = this.ctx;
    for (const jobId of await store.pendingBefore(region.name, this.opts.now() - this.opts.pendingGraceMs)) {
      if (await this.opts.isQueued(jobId)) continue;
      const job = await store.get(jobId);
      if (!job || isTerminal(job.state) || (job.state !== 'CANCELLING' && TRACKED_STATES.includes(job.state))) {
        await store.forgetPending(region.name, jobId);
        continue;
      }
      if (job.state === 'QUEUED') {
        const moved = await store.transition(jobId, 'FAILED', {
          error: jobError('ENQUEUE_FAILED', `region ${region.name}: the job was recorded but never queued (Redis failed in between); it never ran`),
        }, ['QUEUED']);
        if (moved.outcome === 'ok') report.failed.push(jobId);
        continue;
      }
      const outcome = await settleStoppedSubmit(store, region.name, jobId, `its submit stopped in ${job.state} and its queue entry is gone`);
      if (outcome === 'killed' || outcome === 'failed') report.failed.push(jobId);
    }
  }

  private async recordChildren(job: JobRecord, live: YarnApplication[], signal?: AbortSignal): Promise<void> {
    const next = await refreshChildren(this.ctx, job.childApplications, live, signal);
    if (!sameChildren(next, job.childApplications)) await this.ctx.store.transition(job.id, null, { childApplications: next });
  }

  private async killIfOld(app: YarnApplication, why: string): Promise<boolean> {
    if (this.opts.now() - app.startedTime < this.opts.graceMs) return false;
    this.ctx.log.warn({ applicationId: app.id, applicationType: app.applicationType, why }, `reconcile: killing a stray application: ${why}`);
    await this.ctx.rm.requestKill(app.id, `Sluice reconciliation: ${why}`);
    orphansKilled.inc({ region: this.ctx.region.name });
    return true;
  }
}
