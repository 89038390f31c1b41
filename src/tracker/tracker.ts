// Tracks a region's applications to their end. One tracker per region is active (a Redis lease).
// Each tick costs a constant number of RM requests however many applications are tracked: one list
// of Sluice's active applications and one of those finished since the oldest tracked submission.
// The tracker also enforces job timeouts by killing the application.

import type { Redis } from 'ioredis';
import { isTerminal, jobError, mapYarnState } from '../jobs/index.ts';
import { applicationView, finishWithApplication } from '../queue/finish-with-application.ts';
import { killJobApplications } from '../queue/kill-job-applications.ts';
import type { RegionContext } from '../queue/region-context.ts';
import { SLUICE_TAG } from '../yarn/distributed-shell.ts';
import { Lease } from '../store/index.ts';
import { FINISHED_APP_STATES, LIVE_APP_STATES, type YarnApplication } from '../yarn/resource-manager.ts';
import { trackedApplications, trackerTick } from '../metrics/catalog.ts';

/** Slack for clock skew between this host and the RM when asking for recently finished apps. */
const FINISHED_SLACK_MS = 60_000;
/** An app missing from both lists this many ticks in a row is looked up on its own. */
const MISSING_TICKS_BEFORE_LOOKUP = 3;
const MAX_LOOKUPS_PER_TICK = 5;

export class Tracker {
  private readonly lease: Lease;
  private readonly missing = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private closed = false;
  /** Whether the last tick reached the RM; null before the first. */
  private reachable: { ok: boolean; message: string | null } | null = null;

  constructor(
    private readonly ctx: RegionContext,
    redis: Redis,
    private readonly onHealth?: (tracking: { ok: boolean; message: string | null }) => Promise<void>,
  ) {
    const interval = ctx.region.worker.trackerIntervalMs;
    this.lease = new Lease(redis, ctx.store.keys.trackerLease(ctx.region.name), Math.max(3 * interval, 5000));
  }

  start(): void {
    const loop = async () => {
      if (this.closed) return;
      this.running = this.tick().catch((err) => this.ctx.log.error({ err }, 'tracker tick failed'));
      await this.running;
      if (!this.closed) this.timer = setTimeout(loop, this.ctx.region.worker.trackerIntervalMs);
    };
    void loop();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await this.lease.release().catch(() => {});
  }

  /**
   * One tick; public so tests can drive it. The lease is renewed while the tick runs (a slow RM
   * must not let a second tracker start), and a tick that loses it stops applying at once.
   */
  async tick(): Promise<void> {
    if (!(await this.lease.acquireOrRenew())) {
      // Another replica tracks the region: its count is the one to export, not a stale one of ours.
      trackedApplications.remove({ region: this.ctx.region.name });
      return;
    }
    // Timed only while this worker holds the lease: the other replicas' idle ticks would drown it.
    const stop = trackerTick.startTimer({ region: this.ctx.region.name });
    try {
      await this.lease.whileHeld((held) => this.trackOnce(held));
    } finally {
      stop();
    }
  }

  private async trackOnce(held: () => boolean): Promise<void> {
    const { store, rm, region } = this.ctx;
    const tracked = await store.trackedApplications(region.name);
    trackedApplications.set({ region: region.name }, tracked.size);
    if (tracked.size === 0) {
      // Nothing to track: one cheap call keeps the region's health current.
      await rm.clusterInfo().then(
        () => this.setHealth(true, null),
        (err: Error) => this.setHealth(false, `region ${region.name}: ResourceManager: ${err.message}`),
      );
      return;
    }
    const oldest = Math.min(...[...tracked.values()].map((t) => t.submittedAtMs));
    let apps: YarnApplication[];
    try {
      const [active, finished] = await Promise.all([
        rm.listApplications({ tags: [SLUICE_TAG], states: [...LIVE_APP_STATES] }),
        rm.listApplications({ tags: [SLUICE_TAG], states: [...FINISHED_APP_STATES], finishedTimeBegin: oldest - FINISHED_SLACK_MS }),
      ]);
      apps = [...active, ...finished];
      await this.setHealth(true, null);
    } catch (err) {
      // The RM being away is not the jobs' fault: keep every state, mark the region degraded.
      await this.setHealth(false, `region ${region.name}: tracking failed: ${(err as Error).message}`);
      return;
    }
    const byId = new Map(apps.map((a) => [a.id, a]));
    let lookups = 0;
    for (const [appId, { jobId, submittedAtMs }] of tracked) {
      if (!held() || this.closed) {
        this.ctx.log.warn('tracker lease lost during a tick: stopping it');
        return;
      }
      let app = byId.get(appId);
      if (!app) {
        const misses = (this.missing.get(appId) ?? 0) + 1;
        this.missing.set(appId, misses);
        if (misses < MISSING_TICKS_BEFORE_LOOKUP || lookups >= MAX_LOOKUPS_PER_TICK) continue;
        lookups++;
        app = await this.lookup(appId, jobId);
        if (!app) continue;
      }
      this.missing.delete(appId);
      await this.apply(jobId, app, submittedAtMs).catch((err) => this.ctx.log.error({ err, jobId, appId }, 'tracker could not apply state'));
    }
  }

  private async apply(jobId: string, app: YarnApplication, submittedAtMs: number): Promise<void> {
    const { store, region } = this.ctx;
    if (await finishWithApplication(this.ctx, jobId, app)) return;
    const job = await store.get(jobId);
    if (!job || isTerminal(job.state)) {
      await store.untrackApplication(region.name, app.id);
      return;
    }
    const mapped = mapYarnState(app.state, app.finalStatus);
    const unchanged = job.application?.state === app.state && job.application?.diagnostics === (app.diagnostics || null);
    if (!unchanged) {
      // A cancelling job stays CANCELLING until its application ends; only the app view moves.
      const to = job.state === 'CANCELLING' ? null : mapped.state;
      await store.transition(jobId, to, { application: applicationView(app) }, ['SUBMITTING', 'ACCEPTED', 'RUNNING', 'CANCELLING']);
    }
    // A cancelling job still has its timeout: a cancel whose kill keeps failing ends by it too.
    if (Date.now() - submittedAtMs > job.timeoutSeconds * 1000) await this.killForTimeout(jobId, app.id, job.state === 'CANCELLING');
  }

  private async killForTimeout(jobId: string, appId: string, cancelling: boolean): Promise<void> {
    const { store, rm } = this.ctx;
    // A cancel already under way keeps its reason; the timeout only makes sure the kill happens.
    if (!cancelling) await store.transition(jobId, null, { killReason: 'timeout' });
    // One kill request per tick; the next ticks see the app KILLED and record it. Whatever else
    // carries the job's tag (a hadoop-jar job's MapReduce run) is killed with it.
    await rm.requestKill(appId, `Sluice: job ${jobId} exceeded its timeout`);
    await killJobApplications(this.ctx, jobId, `Sluice: job ${jobId} exceeded its timeout`, appId);
  }

  /** An app absent from both lists for several ticks: the RM may have forgotten it. */
  private async lookup(appId: string, jobId: string): Promise<YarnApplication | undefined> {
    try {
      return await this.ctx.rm.getApplication(appId);
    } catch (err) {
      if ((err as { code?: string }).code === 'APP_NOT_FOUND') {
        await this.ctx.store.transition(jobId, 'FAILED', {
          error: jobError('APPLICATION_LOST', `region ${this.ctx.region.name}: ResourceManager no longer knows application ${appId}`),
        });
        await this.ctx.store.untrackApplication(this.ctx.region.name, appId);
      }
      return undefined;
    }
  }

  private async setHealth(ok: boolean, message: string | null): Promise<void> {
    if (this.reachable?.ok === ok && this.reachable.message === message) return;
    this.reachable = { ok, message };
    if (!ok) this.ctx.log.warn({ message }, 'tracking cannot reach the ResourceManager');
    await this.onHealth?.(this.reachable);
  }
}
