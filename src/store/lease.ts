// A Redis lease: one holder at a time, renewed while alive, lost when the holder dies. The value is
// a random token so only the holder can renew or release it.

import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export class Lease {
  private readonly token = randomUUID();

  constructor(private readonly redis: Redis, private readonly key: string, private readonly ttlMs: number) {}

  /** Takes the lease if free, or renews it if held: true while this process holds it. */
  async acquireOrRenew(): Promise<boolean> {
    const renewed = await this.redis.eval(RENEW, 1, this.key, this.token, String(this.ttlMs));
    if (renewed === 1) return true;
    return (await this.redis.set(this.key, this.token, 'PX', this.ttlMs, 'NX')) === 'OK';
  }

  /**
   * Runs `work` while renewing the lease every third of its TTL, so work that outlasts the TTL
   * keeps it; `held()` turns false as soon as a renewal fails, and the work should stop.
   */
  async whileHeld<T>(work: (held: () => boolean) => Promise<T>): Promise<T> {
    let ok = true;
    const renew = setInterval(() => {
      this.acquireOrRenew().then((renewed) => { if (!renewed) ok = false; }, () => { ok = false; });
    }, Math.max(1, Math.floor(this.ttlMs / 3)));
    try {
      return await work(() => ok);
    } finally {
      clearInterval(renew);
    }
  }

  async release(): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key, this.token);
  }
}
