// `sluice dev`: a whole local Sluice on this machine: a throwaway Redis, a ResourceManager
// emulator per example region, the API, a worker process per region; then one example job,
// followed to its end. Ctrl-C (or --exit-after-demo) tears everything down.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { buildApiDeps } from '../api/api-deps.ts';
import { buildApp } from '../api/build-app.ts';
import { loadConfig } from '../config/config.ts';
import { startLocalRedis } from '../dev/local-redis.ts';
import { startRmEmulator } from '../emulator/index.ts';
import { javaAvailable, startRealYarn, type RealYarn } from '../../test/support/real-yarn.ts';
import { createLogger } from '../log.ts';
import { loadRegions, type Region } from '../regions/index.ts';

const REPO = resolve(import.meta.dirname, '../..');

export async function runDevStack(opts: { exitAfterDemo: boolean; emulator: boolean }): Promise<void> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const teardown = async () => {
    for (const c of cleanups.reverse()) {
      const started = Date.now();
      await c().catch((err) => console.error(`teardown: ${(err as Error).message}`));
      if (Date.now() - started > 2000) console.log(`teardown: a step took ${Date.now() - started} ms (${c.toString().slice(0, 60)})`);
    }
  };
  try {
    const redis = await startLocalRedis();
    cleanups.push(() => redis.close());
    const token = process.env.SLUICE_DEV_TOKEN || `dev-${randomBytes(12).toString('hex')}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      SLUICE_REDIS_URL: redis.url,
      SLUICE_TOKENS: JSON.stringify([{ token, principal: 'developer', regions: ['*'], admin: true }]),
    };
    const examples = loadRegions(loadConfig({ configDir: join(REPO, 'config'), env }).regions.dir);
    if (!opts.emulator && javaAvailable()) {
      // One real Hadoop YARN (RM + NM JVMs) serves every example region; jars download on first run.
      console.log('Java found: starting a real Hadoop YARN (first run downloads its jars from Maven Central)…');
      const yarn = await startRealYarn({ log: (line) => console.log(`  yarn: ${line}`) });
      cleanups.push(() => yarn.stop());
      env.SLUICE_REGIONS_DIR = writeRegionsFor(yarn, examples);
      console.log(`YARN: real Hadoop ${yarn.hadoopVersion} ResourceManager at ${yarn.rmUrl} (up in ${yarn.startupMs} ms), for ${[...examples.keys()].join(', ')}`);
    } else {
      for (const region of examples.values()) {
        const url = new URL(region.yarn.resourceManagers[0]!);
        const emu = await startRmEmulator({ host: url.hostname, port: Number(url.port) });
        cleanups.push(() => emu.close());
        console.log(`YARN: the ResourceManager emulator for ${region.name} at ${emu.url} (${opts.emulator ? '--emulator' : 'no Java'}: scripts run as local processes)`);
      }
    }
    const config = loadConfig({ configDir: join(REPO, 'config'), env });
    const log = createLogger(config.log.level === 'info' ? 'warn' : config.log.level);
    const regions = loadRegions(config.regions.dir);

    const conn = new Redis(redis.url, { maxRetriesPerRequest: null });
    cleanups.push(async () => conn.disconnect());
    const deps = buildApiDeps({ config, regions, redis: conn, log });
    cleanups.push(() => deps.close());
    const app = buildApp(deps);
    const address = await app.listen({ host: config.http.host, port: config.http.port });
    cleanups.push(() => app.close());

    for (const name of regions.keys()) {
      const child = await startWorker(name, env);
      cleanups.push(() => stopChild(child));
    }

    console.log(`\nSluice is up: ${address}\ntoken: ${token}\nregions: ${[...regions.keys()].join(', ')}\n`);
    const first = [...regions.keys()][0]!;
    await runExampleJob(address, token, first);

    if (!opts.exitAfterDemo) {
      console.log('\nRunning. Ctrl-C stops everything.');
      await new Promise<void>((r) => { process.once('SIGINT', r); process.once('SIGTERM', r); });
    }
  } finally {
    await teardown();
  }
}

async function startWorker(region: string, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'workers/region-worker.ts'), region], {
    cwd: REPO, env: { ...env, SLUICE_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolvePromise, reject) => {
    child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('region worker started')) resolvePromise(); });
    child.once('exit', (code) => reject(new Error(`worker for ${region} exited with ${code}`)));
  });
  console.log(`worker for ${region}: pid ${child.pid}`);
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** The example regions pointed at the real cluster, in a folder of their own (regions/ is untouched). */
function writeRegionsFor(yarn: RealYarn, examples: Map<string, Region>): string {
  const dir = join(REPO, '.sluice', 'dev-regions');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const region of examples.values()) {
    const raw = JSON.parse(readFileSync(region.file, 'utf8'));
    raw.yarn = {
      ...raw.yarn, resourceManagers: [yarn.rmUrl], distributedShellJar: yarn.distributedShellJar,
      amClasspath: yarn.amClasspath, hadoopJarCommand: yarn.hadoopJarCommand,
    };
    raw.staging = { ...raw.staging, dir: region.staging.dirPath };
    writeFileSync(join(dir, `${region.name}.json`), JSON.stringify(raw, null, 2));
  }
  return dir;
}

async function runExampleJob(api: string, token: string, region: string): Promise<void> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const spec = {
    region, name: 'hello-sluice', kind: 'shell',
    script: '#!/usr/bin/env bash\necho "hello from $(hostname), args: $*, TARGET=$TARGET"\n',
    args: ['--date', new Date().toISOString().slice(0, 10)], env: { TARGET: 'dev' },
    labels: { team: 'platform', dag: 'example' },
  };
  console.log(`submitting an example job to ${region}:\n  curl -X POST ${api}/v1/jobs -H 'Authorization: Bearer ${token}' -H 'Content-Type: application/json' -d '${JSON.stringify(spec)}'`);
  const res = await fetch(`${api}/v1/jobs`, { method: 'POST', headers, body: JSON.stringify(spec) });
  const job = (await res.json()) as { id: string };
  console.log(`HTTP ${res.status}: job ${job.id}`);
  const events = await fetch(`${api}/v1/jobs/${job.id}/events`, { headers });
  const decoder = new TextDecoder();
  for await (const chunk of events.body as unknown as AsyncIterable<Uint8Array>) {
    for (const line of decoder.decode(chunk).split('\n')) {
      if (!line.startsWith('data: ')) continue;
      const e = JSON.parse(line.slice(6)) as { from: string | null; to: string };
      console.log(`  ${e.from ?? '(new)'} → ${e.to}`);
    }
  }
  const final = await (await fetch(`${api}/v1/jobs/${job.id}`, { headers })).json();
  console.log(`job ${job.id} ended: ${JSON.stringify(final, null, 2)}`);
  const logs = await fetch(`${api}/v1/jobs/${job.id}/logs`, { headers });
  console.log(`its stdout (GET /v1/jobs/${job.id}/logs):\n${await logs.text()}`);
}
