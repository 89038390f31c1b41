// The Sluice under test: its Redis, the API process, a worker process per region and an RM emulator
// process per region. Redis and the API live for the whole run; each configuration starts its own
// emulators (a fresh RM) and workers (its region files), and stops them after.

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../src/dev/local-redis.ts';
import { Children } from './children.ts';
import { startEmulator, type BenchAppRun, type EmulatorProcess } from './emulator-process.ts';
import { regionName, writeRegions } from './regions.ts';
import { startRedis } from './redis-server.ts';
import { startApi, startWorker, type ApiProcess, type SluiceProcess } from './sluice-process.ts';

export class BenchStack {
  readonly token = `bench-${randomBytes(12).toString('hex')}`;
  readonly children = new Children();
  emulators = new Map<string, EmulatorProcess>();
  workers = new Map<string, SluiceProcess>();
  api: ApiProcess | null = null;
  /** The bench's own connection: FLUSHALL between configurations, INFO commandstats. */
  redis!: Redis;
  redisUrl = '';

  private constructor(readonly runDir: string, readonly regionCount: number, readonly signal: AbortSignal) {}

  get regionsDir(): string {
    return join(this.runDir, 'regions');
  }

  get logDir(): string {
    return this.runDir;
  }

  static async start(runDir: string, regionCount: number, signal: AbortSignal): Promise<BenchStack> {
    const stack = new BenchStack(runDir, regionCount, signal);
    const redis = await startRedis(runDir, signal);
    stack.children.add(redis.child);
    stack.redisUrl = redis.url;
    stack.redis = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    stack.redis.on('error', () => {});
    writeRegions(stack.regionsDir, runDir, regionCount);
    return stack;
  }

  /** What `sluice serve` and `sluice worker` are configured with: production settings, local ports. */
  env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      NODE_ENV: 'production',
      SLUICE_REDIS_URL: this.redisUrl,
      SLUICE_NAMESPACE: 'bench',
      SLUICE_REGIONS_DIR: this.regionsDir,
      SLUICE_TOKENS: JSON.stringify([{ token: this.token, principal: 'bench', regions: ['*'], admin: true }]),
      SLUICE_HTTP_HOST: '127.0.0.1',
      SLUICE_METRICS_PORT: '0',
    };
  }

  async startApi(): Promise<ApiProcess> {
    const env = { ...this.env(), SLUICE_HTTP_PORT: String(await freePort()) };
    this.api = this.children.add(await startApi(env, this.logDir, this.signal));
    return this.api;
  }

  regions(count: number): string[] {
    return Array.from({ length: count }, (_, i) => regionName(i));
  }

  async startEmulators(regions: readonly string[], run: BenchAppRun): Promise<void> {
    const started = await Promise.all(regions.map((r) => startEmulator(r, run, this.logDir, this.signal)));
    regions.forEach((r, i) => this.emulators.set(r, this.children.add(started[i] as EmulatorProcess)));
  }

  /** Writes the region files for the running emulators (and the concurrency), then starts a worker per region. */
  async startWorkers(regions: readonly string[], concurrency?: number): Promise<void> {
    writeRegions(this.regionsDir, this.runDir, this.regionCount, new Map([...this.emulators].map(([r, e]) => [r, e.url])), concurrency);
    const started = await Promise.all(regions.map((r) => startWorker(r, this.env(), this.logDir, this.signal)));
    regions.forEach((r, i) => this.workers.set(r, this.children.add(started[i] as SluiceProcess)));
  }

  async stopWorkers(): Promise<void> {
    await Promise.all([...this.workers.values()].map((w) => this.children.stop(w, 10_000)));
    this.workers.clear();
  }

  async stopEmulators(): Promise<void> {
    await Promise.all([...this.emulators.values()].map((e) => this.children.stop(e)));
    this.emulators.clear();
  }

  /** Between configurations: no worker, no emulator, an empty Redis (the API stays up). */
  async reset(): Promise<void> {
    await this.stopWorkers();
    await this.stopEmulators();
    await this.redis.flushall();
  }

  async close(): Promise<void> {
    this.redis?.disconnect();
    await this.children.stopAll();
  }
}
