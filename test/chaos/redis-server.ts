// The chaos run's own redis-server, configured as Sluice requires in production (appendonly yes,
// appendfsync everysec, noeviction), so it can be SIGKILLed and started again on the same port
// from the same AOF: what a crashed and restarted Redis looks like to Sluice.

import { Redis } from 'ioredis';
import type { Children, Tracked } from './children.ts';

export class ChaosRedis {
  private proc: Tracked | null = null;
  readonly url: string;

  constructor(private readonly children: Children, readonly port: number, private readonly dir: string) {
    this.url = `redis://127.0.0.1:${port}`;
  }

  async start(): Promise<void> {
    this.proc = this.children.spawn('redis-server', 'redis-server', [
      '--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir,
      '--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction', '--save', '',
    ], { logFile: 'redis.log' });
    await this.waitForPing(this.proc);
  }

  get running(): boolean {
    return !!this.proc?.alive();
  }

  /** SIGKILL: no shutdown, no final fsync. Resolves once the process is gone. */
  async kill(): Promise<void> {
    const p = this.proc;
    if (!p?.alive()) throw new Error('redis-server is not running');
    p.child.kill('SIGKILL');
    await p.exited;
  }

  /** A client for the harness's own reads (events, streams); its errors during the outage are expected. */
  client(): Redis {
    const r = new Redis(this.url, { maxRetriesPerRequest: 3, enableOfflineQueue: true });
    r.on('error', () => {});
    return r;
  }

  /** PING answers (after loading the AOF), or the process died. */
  private async waitForPing(p: Tracked): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (!p.alive()) throw new Error(`redis-server exited at start:\n${p.tail.join('\n')}`);
      const r = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      r.on('error', () => {}); // refused while it starts: expected, retried below
      try {
        await r.connect();
        if ((await r.ping()) === 'PONG') return;
      } catch {
        // not yet listening, or LOADING the AOF
      } finally {
        r.disconnect();
      }
      await new Promise((res) => setTimeout(res, 50));
    }
    throw new Error('redis-server did not answer PING within 30 s');
  }
}
