// Tells the submit step when a job's record may have lost writes, so it can skip the per-job tag
// lookup on YARN (a list of every application with the job's tag) for the jobs that cannot have.
//
// Exactly-once step 1 (ARCHITECTURE.md) looks an application up by the job's tag in case a
// submit happened that the record no longer shows. The record stops showing a submit in two ways:
// - the job was taken before (a crash, a stall, a retry): BullMQ's attempt counters and the
//   record's state (SUBMITTING) say so, and the submit step checks them itself;
// - Redis lost acknowledged writes (appendfsync everysec and a crash, a failover to a replica
//   that lagged): the record, the counters, everything is back as it was a moment before. Then
//   the only sign is that Redis went away. A restart or a failover breaks this worker's
//   connection, so a job recorded before this connection's last (re)connect, on Redis's own clock,
//   may have lost writes; one recorded after it cannot have lost them to an earlier outage. Behind a
//   proxy that keeps the client's connection across a failover, the server behind it changes
//   instead: its run_id and replication id are read every IDENTITY_POLL_MS, and a change counts as
//   a reconnect (a loss is then noticed within that interval, not at once: a direct connection to
//   the primary, or Sentinel, is what this is exact for).
//
// Until the first reading, and from a disconnect until the reading after the reconnect, every
// job counts as possibly affected: a slower submit, never a duplicate.

import type { Redis } from 'ioredis';

/** Redis servers' clocks differ across a failover; this much margin covers ordinary skew. */
const CLOCK_SLACK_MS = 5_000;
/** How often the server's identity (run_id, master_replid) is read besides at each (re)connect. */
const IDENTITY_POLL_MS = 2_000;

export interface WriteLossCheck {
  /** Whether writes made for a job recorded at `redisCreatedMs` (Redis's clock) may have been lost. */
  mayHaveLost(redisCreatedMs: number | null): boolean;
}

export class WriteLossWatch implements WriteLossCheck {
  /** Redis's clock at this connection's last (re)connect; null while unknown. */
  private connectedAtMs: number | null = null;
  /** The server's run_id and replication id at the last reading. */
  private identity: string | null = null;
  private poll: NodeJS.Timeout | null = null;
  private readonly onClose = () => {
    this.connectedAtMs = null;
  };
  private readonly onReady = () => {
    void this.read(true);
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
    if (this.redis.status === 'ready') void this.read(true);
    this.poll = setInterval(() => {
      if (this.redis.status === 'ready') void this.read(false);
    }, IDENTITY_POLL_MS).unref();
  }

  stop(): void {
    this.redis.off('close', this.onClose);
    this.redis.off('ready', this.onReady);
    if (this.poll) clearInterval(this.poll);
  }

  mayHaveLost(redisCreatedMs: number | null): boolean {
    if (this.connectedAtMs === null || redisCreatedMs === null) return true;
    return redisCreatedMs < this.connectedAtMs + this.clockSlackMs;
  }

  /** Reads Redis's clock and identity; a (re)connect, a first reading or a new identity moves the boundary. */
  private async read(reconnected: boolean): Promise<void> {
    try {
      const replies = await this.redis.multi().time().info('server').info('replication').exec();
      if (!replies || replies.some(([err]) => err)) return;
      const [time, server, replication] = replies.map(([, value]) => value) as [[string, string], string, string];
      const identity = `${field(server, 'run_id')}/${field(replication, 'master_replid')}`;
      // Only while still connected: a close during the read leaves the boundary unknown.
      if (this.redis.status !== 'ready') return;
      const changed = this.identity !== null && this.identity !== identity;
      this.identity = identity;
      if (reconnected || changed || this.connectedAtMs === null) {
        this.connectedAtMs = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
      }
    } catch {
      // Redis went away again: the next 'ready' reads it.
    }
  }
}

/** One `name:value` line of an INFO reply. */
function field(info: string, name: string): string {
  return new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim() ?? '';
}
