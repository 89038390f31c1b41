// Tracks a region's applications to their end. One tracker per region is active (a Redis lease).
// Each tick costs a constant number of RM requests however many applications are tracked: one list
// of Sluice's active applications and one of those finished since the oldest tracked submission.
// The jobs are read in chunks, one pipelined round trip per chunk and only the fields the tracker
// decides by; what changed is decided in memory and written with a chunk's changes in flight
// together, each change still the store's one atomic transition (record and event in one step).
// The jobs' child applications (a Spark application, a MapReduce run) are in the same two lists and
// are recorded on their jobs as they move. The tracker also enforces job timeouts by killing the
// children and then the application. How often it ticks: tick-delay.ts.

import type { Redis } from 'ioredis';
import { isTerminal, jobError, mapYarnState } from '../jobs/index.ts';
import { applicationView, finishWithApplication } from '../queue/finish-with-application.ts';
import { killJobApplications } from '../queue/kill-job-applications.ts';
import { mergeChildren, parentJobOf, sameChildren } from '../queue/child-applications.ts';
import type { RegionContext } from '../queue/region-context.ts';
import { isStoreUnavailable } from '../redis/index.ts';
import { SLUICE_TAG } from '../yarn/distributed-shell.ts';
import { Lease, type TrackingFields } from '../store/index.ts';
import { FINISHED_APP_STATES, LIVE_APP_STATES, type YarnApplication } from '../yarn/resource-manager.ts';
import { trackedApplications, trackerTick } from '../metrics/catalog.ts';
import { inFlight } from './in-flight.ts';
import { nextTickDelay, type LastTick } from './tick-delay.ts';

/** Slack for clock skew between this host and the RM when asking for recently finished apps. */
const FINISHED_SLACK_MS = 60_000;
/** An app missing from both lists this many ticks in a row is looked up on its own. */
const MISSING_TICKS_BEFORE_LOOKUP = 3;
const MAX_LOOKUPS_PER_TICK = 5;
/** Jobs read per pipelined round trip. */
export const TRACKER_CHUNK = 1000;
/** Changes of a chunk in flight at once: their Redis calls share round trips; RM calls (kills) stay few. */
const APPLY_IN_FLIGHT = 64;

/** One tracked application seen this tick, with its job and the job's children in the lists. */
interface Seen {
  appId: string;
  jobId: string;
  submittedAtMs: number;
  app: YarnApplication;
  children: YarnApplication[];
}

export class Tracker {
  private readonly lease: Lease;
  private readonly missing = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private closed = false;
  /** Whether the last tick reached the RM; null before the first. */
  private reachable: { ok: boolean; message: string | null } | null = null;
  /** Whether the connection has been up since start (before that, 'connecting' is not an outage). */
  private connectedOnce = false;
  /** The last tick failure logged: the same one again (an outage, tick after tick) is not logged again. */
  private lastFailure: string | null = null;

  constructor(
    private readonly ctx: RegionContext,
    private readonly redis: Redis,
    private readonly onHealth?: (tracking: { ok: boolean; message: string | null }) => Promise<void>,
  ) {
    const interval = ctx.region.worker.trackerIntervalMs;
    this.lease = new Lease(redis, ctx.store.keys.trackerLease(ctx.region.name), Math.max(3 * interval, 5000));
  }

  start(): void {
    const loop = async () => {
      if (this.closed) return;
      const started = performance.now();
      const tick = this.tickOnce().catch((err: Error): LastTick['outcome'] => {
        if (err.message !== this.lastFailure) this.ctx.log.error({ err }, 'tracker tick failed');
        this.lastFailure = err.message;
        return 'failed';
      });
      this.running = tick;
      const outcome = await tick;
      if (outcome !== 'failed') this.lastFailure = null;
      const delay = nextTickDelay({ durationMs: performance.now() - started, outcome }, this.ctx.region.worker.trackerIntervalMs);
      if (!this.closed) this.timer = setTimeout(loop, delay);
    };
    void loop();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => {});
    await this.lease.release().catch(() => {});
  }

  /**
   * One tick; public so tests can drive it. The lease is renewed while the tick runs (a slow RM
   * must not let a second tracker start), and a tick that loses it stops applying at once.
   * Rejects when Redis is unreachable (before or during the tick): what was written stays written,
   * each change whole; the rest is the next tick's.
   */
  async tick(): Promise<void> {
    await this.tickOnce();
  }

  private async tickOnce(): Promise<LastTick['outcome']> {
    // A worker's first tick may come before its connection is up: nothing is wrong yet, wait.
    if (!this.connectedOnce && (this.redis.status === 'connecting' || this.redis.status === 'connect')) return 'idle';
    this.checkRedis('before the tick');
    if (!(await this.lease.acquireOrRenew())) {
      // Another replica tracks the region: its count is the one to export, not a stale one of ours.
      trackedApplications.remove({ region: this.ctx.region.name });
      return 'idle';
    }
    // Timed only while this worker holds the lease: the other replicas' idle ticks would drown it.
    const stop = trackerTick.startTimer({ region: this.ctx.region.name });
    try {
      return await this.lease.whileHeld((held) => this.trackOnce(held));
    } finally {
      stop();
    }
  }

  private async trackOnce(held: () => boolean): Promise<LastTick['outcome']> {
    const { store, rm, region } = this.ctx;
    const tracked = await store.trackedApplications(region.name);
    trackedApplications.set({ region: region.name }, tracked.size);
    for (const appId of this.missing.keys()) if (!tracked.has(appId)) this.missing.delete(appId);
    if (tracked.size === 0) {
      // Nothing to track: one cheap call keeps the region's health current.
      await rm.clusterInfo().then(
        () => this.setHealth(true, null),
        (err: Error) => this.setHealth(false, `region ${region.name}: ResourceManager: ${err.message}`),
      );
      return 'idle';
    }
    let oldest = Infinity;
    for (const t of tracked.values()) oldest = Math.min(oldest, t.submittedAtMs);
    const byId = new Map<string, YarnApplication>();
    // A job's children (its Spark application, its MapReduce run) carry its tags, "sluice" among
    // them: they are in the same two lists, so following them costs no request.
    const childrenOf = new Map<string, YarnApplication[]>();
    try {
      const [active, finished] = await Promise.all([
        rm.listApplications({ tags: [SLUICE_TAG], states: [...LIVE_APP_STATES] }),
        rm.listApplications({ tags: [SLUICE_TAG], states: [...FINISHED_APP_STATES], finishedTimeBegin: oldest - FINISHED_SLACK_MS }),
      ]);
      // Only what is tracked is kept: the lists also name other regions' and deployments' apps.
      for (const list of [active, finished]) {
        for (const a of list) {
          if (tracked.has(a.id)) {
            byId.set(a.id, a);
            continue;
          }
          const parent = parentJobOf(a, region.name, store.keys.ns);
          if (!parent) continue;
          const siblings = childrenOf.get(parent);
          if (siblings) siblings.push(a);
          else childrenOf.set(parent, [a]);
        }
      }
      await this.setHealth(true, null);
    } catch (err) {
      // The RM being away is not the jobs' fault: keep every state, mark the region degraded.
      await this.setHealth(false, `region ${region.name}: tracking failed: ${(err as Error).message}`);
      return 'failed';
    }
    const entries = [...tracked];
    let lookups = 0;
    for (let i = 0; i < entries.length; i += TRACKER_CHUNK) {
      // Redis first: a lease whose renewal failed because Redis is gone is that outage, said as such.
      this.checkRedis(`after ${i} of ${entries.length} tracked applications`);
      if (!held() || this.closed) return this.leaseLost();
      const seen: Seen[] = [];
      for (const [appId, { jobId, submittedAtMs }] of entries.slice(i, i + TRACKER_CHUNK)) {
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
        seen.push({ appId, jobId, submittedAtMs, app, children: childrenOf.get(jobId) ?? [] });
      }
      // Read after the RM answered: a cancel or timeout recorded before YARN's kill is in it.
      const read = await store.trackingFields(seen.map((s) => s.jobId));
      const work: (Seen & { job: TrackingFields | null })[] = [];
      for (const [k, s] of seen.entries()) {
        const job = read[k] ?? null;
        if (job && 'unreadable' in job) {
          this.ctx.log.error({ jobId: s.jobId, appId: s.appId, reason: job.unreadable }, 'tracker cannot read this job\'s record: skipped this tick');
          continue;
        }
        if (this.needsWork(s, job)) work.push({ ...s, job });
      }
      await inFlight(work, APPLY_IN_FLIGHT, (w) => this.apply(w, w.job).catch((err) => {
        // Redis gone: the tick stops here (one clear error, not one per job); anything else is this job's.
        if (isStoreUnavailable(err)) throw err;
        this.ctx.log.error({ err, jobId: w.jobId, appId: w.appId }, 'tracker could not apply state');
      }), () => !held() || this.closed);
      if (!held() || this.closed) return this.leaseLost();
    }
    return 'tracked';
  }

  /** Decided in memory: does this tracked job need any write or RM call this tick? */
  private needsWork({ app, submittedAtMs, children }: Seen, job: TrackingFields | null): boolean {
    if (!job || isTerminal(job.state)) return true; // finished, or a stale tracked entry to drop
    const mapped = mapYarnState(app.state, app.finalStatus).state;
    if (mapped === 'SUCCEEDED' || mapped === 'FAILED' || mapped === 'KILLED') return true;
    return !sameApplication(job, app) || timedOut(submittedAtMs, job) || childrenMoved(job, children);
  }

  private async apply({ jobId, app, submittedAtMs, children }: Seen, job: TrackingFields | null): Promise<void> {
    const { store, region } = this.ctx;
    if (await finishWithApplication(this.ctx, jobId, app, undefined, job, children)) return;
    if (!job || isTerminal(job.state)) {
      await store.untrackApplication(region.name, app.id);
      return;
    }
    const childApplications = childrenMoved(job, children) ? { childApplications: mergeChildren(job.childApplications, children) } : {};
    if (!sameApplication(job, app) || childApplications.childApplications) {
      // A cancelling job stays CANCELLING until its application ends; only the views move.
      const to = job.state === 'CANCELLING' || sameApplication(job, app) ? null : mapYarnState(app.state, app.finalStatus).state;
      await store.transition(jobId, to, { application: applicationView(app), ...childApplications }, ['SUBMITTING', 'ACCEPTED', 'RUNNING', 'CANCELLING']);
    }
    // A cancelling job still has its timeout: a cancel whose kill keeps failing ends by it too.
    if (timedOut(submittedAtMs, job)) await this.killForTimeout(jobId, app.id, job.state === 'CANCELLING');
  }

  private async killForTimeout(jobId: string, appId: string, cancelling: boolean): Promise<void> {
    const { store, rm } = this.ctx;
    // A cancel already under way keeps its reason; the timeout only makes sure the kill happens.
    if (!cancelling) await store.transition(jobId, null, { killReason: 'timeout' });
    // One kill request per tick; the next ticks see the app KILLED and record it. What the job's
    // application started (a Spark application, a MapReduce run) is killed first: a cluster-mode
    // Spark application does not need its launcher to go on. Not finding them stops no kill.
    await killJobApplications(this.ctx, jobId, `Sluice: job ${jobId} exceeded its timeout`, appId);
    await rm.requestKill(appId, `Sluice: job ${jobId} exceeded its timeout`);
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

  private leaseLost(): 'failed' {
    this.ctx.log.warn('tracker lease lost during a tick: stopping it');
    return 'failed';
  }

  /**
   * The worker's connection queues commands while Redis is away: a tick would wait there, then
   * write late. Stop instead, saying so; the next tick starts over from what is recorded.
   */
  private checkRedis(where: string): void {
    if (this.redis.status === 'ready') this.connectedOnce = true;
    if (this.redis.status === 'ready' || this.redis.status === 'wait') return;
    throw new Error(`region ${this.ctx.region.name}: tracker stopped ${where}: Redis is unreachable (${this.redis.status})`);
  }

  private async setHealth(ok: boolean, message: string | null): Promise<void> {
    if (this.reachable?.ok === ok && this.reachable.message === message) return;
    this.reachable = { ok, message };
    if (!ok) this.ctx.log.warn({ message }, 'tracking cannot reach the ResourceManager');
    await this.onHealth?.(this.reachable);
  }
}

function sameApplication(job: TrackingFields, app: YarnApplication): boolean {
  return job.application?.state === app.state && job.application?.diagnostics === (app.diagnostics || null);
}

/** Do the lists show the job's children otherwise than its record does? */
function childrenMoved(job: TrackingFields, children: readonly YarnApplication[]): boolean {
  return children.length > 0 && !sameChildren(mergeChildren(job.childApplications, children), job.childApplications);
}

function timedOut(submittedAtMs: number, job: TrackingFields): boolean {
  return Date.now() - submittedAtMs > job.timeoutSeconds * 1000;
}
