// Runs a region's reconciliation and retention passes on their intervals. One housekeeper per
// region is active at a time (a Redis lease), so two workers of a region (a rolling deploy) never
// reconcile the same applications twice. close() stops the loop and aborts RM calls in flight.

import type { Redis } from 'ioredis';
import type { RegionContext } from '../queue/region-context.ts';
import { Lease } from '../store/index.ts';
import { Reconciler, type ReconcileOptions } from './reconciler.ts';
import { Sweeper } from './sweeper.ts';

export interface HousekeeperOptions extends ReconcileOptions {
  reconcileIntervalMs: number;
  sweepIntervalMs: number;
  retentionMs: number;
}

export class Housekeeper {
  readonly reconciler: Reconciler;
  readonly sweeper: Sweeper;
  private readonly lease: Lease;
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private lastSweep = 0;

  constructor(private readonly ctx: RegionContext, redis: Redis, private readonly opts: HousekeeperOptions) {
    this.reconciler = new Reconciler(ctx, opts);
    this.sweeper = new Sweeper(ctx, { retentionMs: opts.retentionMs, now: opts.now });
    this.lease = new Lease(redis, ctx.store.keys.housekeeperLease(ctx.region.name), Math.max(2 * opts.reconcileIntervalMs, 30_000));
  }

  start(): void {
    const loop = async () => {
      if (this.abort.signal.aborted) return;
      this.running = this.round().catch((err) => this.ctx.log.warn({ err }, `region ${this.ctx.region.name}: housekeeping round failed`));
      await this.running;
      if (!this.abort.signal.aborted) this.timer = setTimeout(loop, this.opts.reconcileIntervalMs);
    };
    void loop();
  }

  /** One round: reconcile, and sweep when its interval has passed. Public so tests can drive it. */
  async round(): Promise<void> {
    if (!(await this.lease.acquireOrRenew())) return;
    await this.lease.whileHeld(async (held) => {
      const log = this.ctx.log.child({ module: 'housekeeping' });
      const r = await this.reconciler.pass(this.abort.signal);
      if (r.killed.length || r.adopted.length || r.retracked.length || r.failed.length) {
        log.info({ killed: r.killed, adopted: r.adopted, retracked: r.retracked, failed: r.failed }, 'reconciliation changed something');
      }
      if (r.errors.length) log.warn({ errors: r.errors }, `region ${this.ctx.region.name}: reconciliation steps failed (the others ran)`);
      // The sweep needs only Redis: it runs even while the RM is away.
      if (held() && this.opts.now() - this.lastSweep >= this.opts.sweepIntervalMs) {
        const s = await this.sweeper.pass();
        this.lastSweep = this.opts.now();
        if (s.deletedJobs || s.stagingRemoved) log.info(s, 'retention sweep');
      }
    });
  }

  async close(): Promise<void> {
    this.abort.abort();
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await this.lease.release().catch(() => {});
  }
}
