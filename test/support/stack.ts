// A whole Sluice for integration tests: the API in this process (real HTTP on a free port), each
// region's worker as its own process (so tests can stop or SIGKILL it), an RM emulator per region,
// and the suite's real Redis under a fresh namespace.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import { buildApiDeps, startApiWebhooks, type ApiDeps } from '../../src/api/api-deps.ts';
import type { WebhooksRuntime } from '../../src/webhooks/index.ts';
import { connectRedis, waitUntilReady } from '../../src/redis/index.ts';
import { buildApp } from '../../src/api/build-app.ts';
import { loadConfig, type TokenGrant } from '../../src/config/config.ts';
import { startRmEmulator, type RmEmulator } from '../../src/emulator/index.ts';
import type { Job } from '../../src/jobs/index.ts';
import type { RealYarn } from './real-yarn.ts';
import { createLogger } from '../../src/log.ts';
import { loadRegions } from '../../src/regions/index.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const REPO = resolve(import.meta.dirname, '../..');

export function redisUrl(): string {
  const url = process.env.SLUICE_TEST_REDIS_URL;
  if (!url) throw new Error('SLUICE_TEST_REDIS_URL is not set: run the suite with `npm test`');
  return url;
}

export interface StackOptions {
  regions?: string[];
  tokens?: TokenGrant[];
  trackerIntervalMs?: number;
  /** Extra fields merged into each region file. */
  region?: (name: string) => Record<string, unknown>;
  /** Extra fields merged into each region file's `yarn` (e.g. Spark's settings). */
  yarn?: (name: string) => Record<string, unknown>;
  startWorkers?: boolean;
  /** Regions served by a real YARN instead of an emulator (rmUrls: all RMs of an HA pair). */
  realYarn?: Record<string, RealYarn & { rmUrls?: string[] }>;
  /** A Redis of the test's own (e.g. one it kills); default: the suite's. */
  redisUrl?: string;
  /** Extra settings (env variables) for the API's config and the workers, e.g. SLUICE_RECONCILE_GRACE_SECONDS. */
  env?: Record<string, string>;
  /** The region's RM list from its emulator's URL (e.g. a standby or dead RM in front of it). */
  resourceManagers?: (region: string, emulatorUrl: string) => string[];
  /** Run the webhook fan-out and delivery in the API (as `sluice serve` does when webhooks.enabled). */
  webhooks?: boolean;
}

export interface Response<T = any> { status: number; body: T; headers: Headers }

export class Stack {
  readonly workers = new Map<string, { child: ChildProcess; output: string[] }>();
  /** The webhook runtime, when started with `webhooks: true`. */
  webhooks: WebhooksRuntime | null = null;
  private constructor(
    readonly api: string,
    readonly ns: string,
    readonly redis: Redis,
    readonly emulators: Map<string, RmEmulator>,
    readonly regionsDir: string,
    private readonly app: FastifyInstance,
    private readonly deps: ApiDeps & { close(): Promise<void> },
    private readonly scratch: string,
    /** What the API was configured with and the workers get. */
    readonly env: Record<string, string>,
  ) {}

  static async start(opts: StackOptions = {}): Promise<Stack> {
    const names = opts.regions ?? ['ra', 'rb'];
    const scratch = mkdtempSync(join(tmpdir(), 'sluice-stack-'));
    const regionsDir = join(scratch, 'regions');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(regionsDir);
    const emulators = new Map<string, RmEmulator>();
    for (const name of names) {
      const real = opts.realYarn?.[name];
      let rm: Record<string, unknown>;
      if (real) {
        rm = { resourceManagers: real.rmUrls ?? [real.rmUrl], distributedShellJar: real.distributedShellJar, amClasspath: real.amClasspath, hadoopJarCommand: real.hadoopJarCommand };
      } else {
        const emu = await startRmEmulator({ workDir: join(scratch, `yarn-${name}`) });
        emulators.set(name, emu);
        rm = { resourceManagers: opts.resourceManagers?.(name, emu.url) ?? [emu.url], distributedShellJar: join(REPO, 'test/support/emulator-appmaster.jar') };
      }
      writeFileSync(join(regionsDir, `${name}.json`), JSON.stringify({
        name,
        yarn: {
          user: 'sluice', queue: 'default', ...rm,
          defaults: { memoryMb: 256, vcores: 1, timeoutSeconds: 3600 },
          limits: { memoryMb: 4096, vcores: 4, timeoutSeconds: 86400 },
          ...opts.yarn?.(name),
        },
        staging: { type: 'file', dir: join(scratch, `staging-${name}`) },
        worker: { concurrency: 8, trackerIntervalMs: opts.trackerIntervalMs ?? 300 },
        ...opts.region?.(name),
      }, null, 2));
    }
    const ns = `t${randomBytes(4).toString('hex')}`;
    const tokens = opts.tokens ?? [{ token: ADMIN_TOKEN, principal: 'admin', regions: ['*'], admin: true }];
    const url = opts.redisUrl ?? redisUrl();
    const env = { ...stackEnv(ns, regionsDir, tokens, url), ...opts.env };
    const config = loadConfig({ configDir: join(REPO, 'config'), env });
    const regions = loadRegions(regionsDir);
    // The test's own reads wait out an outage; the API's connection is bounded as in `sluice serve`.
    const redis = new Redis(url, { maxRetriesPerRequest: null });
    redis.on('error', () => {}); // a test that stops Redis expects these
    const log = createLogger('silent');
    const apiRedis = connectRedis(url, { name: 'api', role: 'request', log });
    await waitUntilReady(apiRedis, 10_000);
    const deps = buildApiDeps({ config, regions, redis: apiRedis, log });
    const app = buildApp(deps);
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const stack = new Stack(address, ns, redis, emulators, regionsDir, app, deps, scratch, env);
    if (opts.webhooks) stack.webhooks = startApiWebhooks(deps);
    if (opts.startWorkers ?? true) for (const name of names) await stack.startWorker(name);
    return stack;
  }

  /**
   * Starts a worker process for the region and waits until it serves its queues. `name` tells
   * several workers of one region apart (a rolling deploy); it is the region by default.
   */
  async startWorker(region: string, name = region): Promise<void> {
    // Its stdin is a lifeline: if this test process dies, even by SIGKILL, the worker stops too.
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'workers/region-worker.ts'), region, '--stop-on-stdin-end'], {
      cwd: REPO,
      env: { ...process.env, ...this.env, SLUICE_LOG_LEVEL: process.env.SLUICE_TEST_WORKER_LOG ?? 'info' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    this.workers.set(name, { child, output });
    await new Promise<void>((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker ${region} did not start:\n${output.join('')}`)), 20_000);
      const onData = (d: Buffer) => {
        output.push(d.toString());
        if (process.env.SLUICE_TEST_WORKER_LOG === 'debug') process.stderr.write(d);
        if (d.toString().includes('region worker started')) {
          clearTimeout(timer);
          resolvePromise();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`worker ${region} exited with ${code}:\n${output.join('')}`));
      });
    });
  }

  /** The worker's /metrics URL, from its "metrics listening" start-up line. */
  workerMetricsUrl(name: string): string {
    return metricsUrlIn(this.workers.get(name)?.output.join('') ?? '', `worker ${name}`);
  }

  async stopWorker(region: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const w = this.workers.get(region);
    if (!w) return;
    this.workers.delete(region);
    if (w.child.exitCode !== null || w.child.signalCode !== null) return;
    const exited = new Promise((r) => w.child.once('exit', r));
    w.child.kill(signal);
    await exited;
  }

  /** A request to the stack's API, or with `base` to another API process of the same stack. */
  async request<T = any>(method: string, path: string, opts: { body?: unknown; raw?: string; token?: string | null; headers?: Record<string, string>; base?: string } = {}): Promise<Response<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    const token = opts.token === undefined ? ADMIN_TOKEN : opts.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (opts.raw !== undefined) body = opts.raw;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(`${opts.base ?? this.api}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try { parsed = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  submit(spec: Record<string, unknown>, opts: { idempotencyKey?: string; token?: string } = {}): Promise<Response> {
    return this.request('POST', '/v1/jobs', {
      body: spec, token: opts.token, headers: opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : {},
    });
  }

  /** Polls the job until `done` holds; fails with the job's last state after `timeoutMs`. */
  async waitForJob(id: string, done: (job: Job) => boolean, timeoutMs = 20_000): Promise<Job> {
    const deadline = Date.now() + timeoutMs;
    let last: Job | undefined;
    while (Date.now() < deadline) {
      const res = await this.request<Job>('GET', `/v1/jobs/${id}`);
      last = res.body;
      if (res.status === 200 && done(last)) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`job ${id} did not get there in ${timeoutMs} ms; last: ${JSON.stringify(last)}\nworkers:\n${[...this.workers.entries()].map(([r, w]) => `[${r}] ${w.output.join('').slice(-3000)}`).join('\n')}`);
  }

  waitForState(id: string, state: string, timeoutMs?: number) {
    return this.waitForJob(id, (j) => j.state === state, timeoutMs);
  }

  async queueCounts(): Promise<Record<string, unknown>> {
    const regions = [...this.emulators.keys()];
    return Object.fromEntries(await Promise.all(regions.map(async (r) => [r, await this.deps.producer.counts(r)])));
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.workers.keys()].map((r) => this.stopWorker(r)));
    await this.app.close();
    await this.webhooks?.close();
    await this.deps.close();
    this.deps.redis.disconnect();
    await Promise.allSettled([...this.emulators.values()].map((e) => e.close()));
    this.redis.disconnect();
    rmSync(this.scratch, { recursive: true, force: true });
  }
}

function stackEnv(ns: string, regionsDir: string, tokens: TokenGrant[], url: string): Record<string, string> {
  return {
    NODE_ENV: 'test', SLUICE_REDIS_URL: url, SLUICE_NAMESPACE: ns,
    SLUICE_REGIONS_DIR: regionsDir, SLUICE_TOKENS: JSON.stringify(tokens),
    // STS checks sign their calls; moto_server takes any key. Fixed ones keep the SDK's default
    // chain from probing instance metadata.
    AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1',
  };
}

export function shellJob(region: string, script: string, extra: Record<string, unknown> = {}) {
  return { region, name: 'test-job', kind: 'shell', script, ...extra };
}

/** The metrics URL from a process's "metrics listening" start-up line (`sluice serve`, a worker). */
export function metricsUrlIn(output: string, who: string): string {
  const url = /"metricsUrl":"([^"]+)"/.exec(output)?.[1];
  if (!url) throw new Error(`${who} printed no metrics URL:\n${output.slice(-2000)}`);
  return url;
}
