// Sluice as deployed: `sluice serve` and one `region-worker <region>` per region, each its own
// process, configured through the environment only. Workers run under a supervisor that starts a
// worker again whenever it exits — after the harness's SIGKILL, and also when it dies by itself,
// which is recorded (a worker should never exit on its own).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Children, Tracked } from './children.ts';
import type { Cluster } from './clusters.ts';
import { REPO } from './clusters.ts';

export const TOKEN = 'chaos-admin-token-0123456789abcdef';

export interface SluiceEnv {
  redisUrl: string;
  namespace: string;
  regionsDir: string;
}

export function writeRegionFiles(clusters: Cluster[], regionsDir: string, scratch: string): void {
  for (const c of clusters) {
    const real = c.kind === 'real-yarn';
    writeFileSync(join(regionsDir, `${c.region}.json`), JSON.stringify({
      name: c.region,
      yarn: {
        user: 'sluice', queue: 'default', ...c.yarnFields,
        defaults: { memoryMb: real ? 128 : 256, vcores: 1, timeoutSeconds: 3600 },
        limits: { memoryMb: 4096, vcores: 4, timeoutSeconds: 86400 },
      },
      staging: { type: 'file', dir: join(scratch, `staging-${c.region}`) },
      // Short timeouts and a short preflight interval: an RM outage is noticed, and over, in seconds.
      network: { connectTimeoutMs: 1000, requestTimeoutMs: 5000 },
      preflight: { intervalSeconds: 2 },
      worker: { concurrency: 8, trackerIntervalMs: 500 },
    }, null, 2));
  }
}

function env(e: SluiceEnv, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    // production: the processes refuse a Redis without AOF/noeviction, as they would in a deployment.
    NODE_ENV: 'production', SLUICE_LOG_LEVEL: 'info',
    // Several processes on one machine: each metrics listener on a free port of its own.
    SLUICE_METRICS_PORT: '0',
    SLUICE_REDIS_URL: e.redisUrl, SLUICE_NAMESPACE: e.namespace, SLUICE_REGIONS_DIR: e.regionsDir,
    SLUICE_TOKENS: JSON.stringify([{ token: TOKEN, principal: 'chaos', regions: ['*'], admin: true }]),
    ...extra,
  };
}

/** `sluice serve` on `port`; resolves once /healthz answers. */
export async function startApi(children: Children, e: SluiceEnv, port: number): Promise<Tracked> {
  const api = children.spawn('api', process.execPath, ['--import', 'tsx', join(REPO, 'src/cli/main.ts'), 'serve'], {
    cwd: REPO, env: env(e, { SLUICE_HTTP_HOST: '127.0.0.1', SLUICE_HTTP_PORT: String(port) }), logFile: 'api.log',
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (!api.alive()) throw new Error(`sluice serve exited at start:\n${api.tail.join('\n')}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) })).ok) return api;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`sluice serve did not answer /healthz within 60 s:\n${api.tail.join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface WorkerExit {
  region: string;
  at: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** true when the harness sent the SIGKILL. */
  killedByHarness: boolean;
  tail: string[];
}

/** One region's worker process, started again after every exit until stop(). */
export class SupervisedWorker {
  private current: Tracked | null = null;
  private ready = false;
  private expectKill = false;
  private stopped = false;
  readonly exits: WorkerExit[] = [];
  /** When each (re)started worker logged "region worker started", ms since epoch. */
  readonly readyAt: number[] = [];

  constructor(
    readonly region: string,
    private readonly children: Children,
    private readonly sluiceEnv: SluiceEnv,
    private readonly restartDelayMs: () => number,
    private readonly log: (line: string) => void,
  ) {}

  /** Starts it and waits until it serves its queues (first start only; restarts are not awaited). */
  async start(): Promise<void> {
    this.spawn();
    const deadline = Date.now() + 60_000;
    while (!this.ready) {
      if (Date.now() > deadline) throw new Error(`worker ${this.region} did not start within 60 s:\n${this.current?.tail.join('\n')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  isReady(): boolean {
    return this.ready && !!this.current?.alive();
  }

  /** The chaos: SIGKILL, no shutdown. The supervisor starts it again after the restart delay. */
  sigkill(): number | undefined {
    const p = this.current;
    if (!p?.alive()) return undefined;
    this.expectKill = true;
    p.child.kill('SIGKILL');
    return p.child.pid;
  }

  stop(): void {
    this.stopped = true;
  }

  private spawn(): void {
    this.ready = false;
    this.expectKill = false;
    const p = this.children.spawn(`worker ${this.region}`, process.execPath, ['--import', 'tsx', join(REPO, 'workers/region-worker.ts'), this.region, '--stop-on-stdin-end'], {
      cwd: REPO, env: env(this.sluiceEnv), logFile: `worker-${this.region}.log`,
      onLine: (line) => {
        if (!this.ready && line.includes('region worker started')) {
          this.ready = true;
          this.readyAt.push(Date.now());
        }
      },
    });
    this.current = p;
    void p.exited.then(({ code, signal }) => {
      if (this.stopped || this.children.closing) return;
      const exit: WorkerExit = { region: this.region, at: Date.now(), code, signal, killedByHarness: this.expectKill, tail: [...p.tail] };
      this.exits.push(exit);
      if (!exit.killedByHarness) this.log(`worker ${this.region} exited by itself (code ${code}, signal ${signal}); starting it again`);
      setTimeout(() => { if (!this.stopped && !this.children.closing) this.spawn(); }, this.restartDelayMs());
    });
  }
}
