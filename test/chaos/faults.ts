// The faults of a chaos run and their timeline: a worker SIGKILLed every ~2 s (and started again by
// its supervisor), Redis SIGKILLed once and started again on the same port and AOF, one RM
// restarted once. Each fault is recorded with when its outage began and ended, for the report's
// recovery times.

import type { Cluster } from './clusters.ts';
import type { Random } from './random.ts';
import type { ChaosRedis } from './redis-server.ts';
import type { SupervisedWorker } from './sluice-processes.ts';

export interface Fault {
  kind: 'worker-kill' | 'redis-kill' | 'rm-restart';
  /** The regions it hits. */
  regions: string[];
  /** The outage began (the SIGKILL). */
  downAt: number;
  /** The thing killed is back: Redis answers PING, the RM serves; for a worker kill, = downAt. */
  upAt: number;
  detail: string;
}

export class Faults {
  readonly timeline: Fault[] = [];
  private killer: NodeJS.Timeout | null = null;

  constructor(private readonly rng: Random, private readonly log: (line: string) => void) {}

  /** Every ~everyMs: SIGKILL one worker picked at random among those serving. */
  startWorkerKiller(workers: SupervisedWorker[], everyMs: number): void {
    if (everyMs <= 0) return;
    const tick = (): void => {
      const ready = workers.filter((w) => w.isReady());
      if (ready.length > 0) {
        const w = this.rng.pick(ready);
        const at = Date.now();
        const pid = w.sigkill();
        if (pid !== undefined) {
          this.timeline.push({ kind: 'worker-kill', regions: [w.region], downAt: at, upAt: at, detail: `pid ${pid}` });
          this.log(`SIGKILL worker ${w.region} (pid ${pid})`);
        }
      }
      this.killer = setTimeout(tick, this.rng.jitter(everyMs));
    };
    this.killer = setTimeout(tick, this.rng.jitter(everyMs));
  }

  stopWorkerKiller(): void {
    if (this.killer) clearTimeout(this.killer);
    this.killer = null;
  }

  async redisOutage(redis: ChaosRedis, downMs: number, regions: string[]): Promise<void> {
    const downAt = Date.now();
    await redis.kill();
    this.log(`SIGKILL redis-server; down for ${downMs} ms`);
    await new Promise((r) => setTimeout(r, downMs));
    await redis.start();
    const upAt = Date.now();
    this.timeline.push({ kind: 'redis-kill', regions, downAt, upAt, detail: `down ${upAt - downAt} ms, same port and AOF` });
    this.log(`redis-server back after ${upAt - downAt} ms`);
  }

  async rmRestart(cluster: Cluster, downMs: number): Promise<void> {
    this.log(`restarting the ResourceManager of ${cluster.region} (${cluster.kind})`);
    const { downAt, upAt } = await cluster.restartRm(downMs);
    const how = cluster.kind === 'real-yarn' ? 'kill -9, then started again (recovery on)' : 'emulator restart, work-preserving';
    this.timeline.push({ kind: 'rm-restart', regions: [cluster.region], downAt, upAt, detail: `${how}; down ${upAt - downAt} ms` });
    this.log(`ResourceManager of ${cluster.region} back after ${upAt - downAt} ms`);
  }
}
