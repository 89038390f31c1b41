// Tells the submit step when a job's record may have lost writes, so it can skip the per-job tag
// lookup on YARN (a list of every application with the job's tag) for the jobs that cannot have.
//
// Exactly-once step 1 (ARCHITECTURE.md) looks an application up by the job's tag in case a
// submit happened that the record no longer shows. The record stops showing a submit in two ways:
// - the job was taken before (a crash, a stall, a retry): BullMQ's attempt counters and the
//   record's state (SUBMITTING) say so, and the submit step checks them itself;
// - Redis lost acknowledged writes (appendfsync everysec and a crash, a failover to a replica
//   that lagged): the record, the counters, everything is back as it was a moment before. Then
//   the only sign is that Redis went away. Any such loss breaks this worker's connection, so a job
//   recorded before this connection's last (re)connect, on Redis's own clock, may have lost
//   writes; one recorded after it cannot have lost them to an earlier outage.
//
// Until the first reading, and from a disconnect until the reading after the reconnect, every
// job counts as possibly affected: a slower submit, never a duplicate.

import type { Redis } from 'ioredis';

/** Redis servers' clocks differ across a failover; this much margin covers ordinary skew. */
const CLOCK_SLACK_MS = 1_000;

export interface WriteLossCheck {
  /** Whether writes made for a job recorded at `redisCreatedMs` (Redis's clock) may have been lost. */
  mayHaveLost(redisCreatedMs: number | null): boolean;
}

export class WriteLossWatch implements WriteLossCheck {
  /** Redis's clock at this connection's last (re)connect; null while unknown. */
  private connectedAtMs: number | null = null;
  private readonly onClose = () => {
    this.connectedAtMs = null;
  };
  private readonly onReady = () => {
    void this.read();
  };

  private readonly clockSlackMs: number;

  constructor(private readonly redis: Redis, opts: { clockSlackMs?: number } = {}) {
    this.clockSlackMs = opts.clockSlackMs ?? CLOCK_SLACK_MS;
  }

  /**
   * Reads the first boundary (jobs recorded before this worker started are looked up) and follows
   * reconnects. Not awaited by the caller: with Redis down the read waits, and so do the jobs.
   */
  start(): void {
    this.redis.on('close', this.onClose);
    this.redis.on('ready', this.onReady);
    if (this.redis.status === 'ready') void this.read();
  }

  stop(): void {
    this.redis.off('close', this.onClose);
    this.redis.off('ready', this.onReady);
  }

  mayHaveLost(redisCreatedMs: number | null): boolean {
    if (this.connectedAtMs === null || redisCreatedMs === null) return true;
    return redisCreatedMs < this.connectedAtMs + this.clockSlackMs;
  }

  private async read(): Promise<void> {
    try {
      const [seconds, micros] = await this.redis.time();
      // Only while still connected: a close during the read leaves the boundary unknown.
      if (this.redis.status === 'ready') this.connectedAtMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    } catch {
      // Redis went away again: the next 'ready' reads it.
    }
  }
}
