// `sluice dev`: a whole local Sluice on this machine: a throwaway Redis, a real YARN (Java present)
// or a ResourceManager emulator per example region, the API, a worker process per region; then one
// example job, followed to its end. Ctrl-C, SIGTERM (or --exit-after-demo) stops it all in reverse:
// API, workers, YARN or the emulators, Redis last (each step's stop is registered before it starts).

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { buildApiDeps, startApiWebhooks } from '../api/api-deps.ts';
import { buildApp } from '../api/build-app.ts';
import { loadConfig } from '../config/config.ts';
import { startRmEmulator } from '../emulator/index.ts';
import { javaAvailable, startLocalYarn, type LocalYarn } from '../local-yarn/index.ts';
import { createLogger } from '../log.ts';
import { PACKAGE_ROOT } from '../package-root.ts';
import { closeRedis, connectRedis, waitUntilReady } from '../redis/index.ts';
import { loadRegions } from '../regions/index.ts';
import { closeHttp, launchMetrics, type Shutdown } from '../runtime/index.ts';
import { writeRegionsFor } from './dev-regions.ts';
import { runExampleJob } from './example-job.ts';
import { startLocalRedis } from './local-redis.ts';
import { startWorkers } from './worker-process.ts';


export async function runDevStack(opts: { exitAfterDemo: boolean; emulator: boolean }, shutdown: Shutdown): Promise<void> {
  shutdown.log = createLogger('info', 'sluice-dev');
  const redis = await shutdown.launch('redis', (signal) => startLocalRedis({ signal }), (r) => r.close(2000));
  const token = process.env.SLUICE_DEV_TOKEN || `dev-${randomBytes(12).toString('hex')}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SLUICE_REDIS_URL: redis.url,
    SLUICE_TOKENS: JSON.stringify([{ token, principal: 'developer', regions: ['*'], admin: true }]),
  };
  const examples = loadRegions(loadConfig({ configDir: join(PACKAGE_ROOT, 'config'), env }).regions.dir);
  if (!opts.emulator && javaAvailable()) {
    // One real Hadoop YARN (RM + NM JVMs) serves every example region; jars download on first run.
    console.log('Java found: starting a real Hadoop YARN (first run downloads its jars from Maven Central)…');
    let started: LocalYarn | undefined;
    const yarn = await shutdown.launch('yarn', async (signal) => (started = await startLocalYarn({ signal, log: (line) => console.log(`  yarn: ${line}`) })),
      (y) => y.stop(), { force: () => started?.kill() });
    env.SLUICE_REGIONS_DIR = writeRegionsFor(yarn, examples, join(PACKAGE_ROOT, '.sluice', 'dev-regions'));
    console.log(`YARN: real Hadoop ${yarn.hadoopVersion} ResourceManager at ${yarn.rmUrl} (up in ${yarn.startupMs} ms), for ${[...examples.keys()].join(', ')}`);
  } else {
    for (const region of examples.values()) {
      const url = new URL(region.yarn.resourceManagers[0]!);
      const emu = await shutdown.launch(`emulator ${region.name}`, async () => startRmEmulator({ host: url.hostname, port: Number(url.port) }), (e) => e.close(), { deadlineMs: 3000 });
      console.log(`YARN: the ResourceManager emulator for ${region.name} at ${emu.url} (${opts.emulator ? '--emulator' : 'no Java'}: scripts run as local processes)`);
    }
  }
  // Metrics listeners on free ports (the API's on SLUICE_METRICS_PORT when set): several processes
  // on one machine, and a second `npm run dev`, must not collide. The URLs are printed below.
  // Webhook receivers on this machine are what a local stack is tried with: loopback is allowed
  // here (the SSRF guard refuses it anywhere else unless configured).
  const apiEnv = {
    ...env,
    SLUICE_METRICS_PORT: process.env.SLUICE_METRICS_PORT ?? '0',
    SLUICE_WEBHOOKS_ALLOWED_NETWORKS: process.env.SLUICE_WEBHOOKS_ALLOWED_NETWORKS ?? '127.0.0.0/8,::1/128',
  };
  env.SLUICE_METRICS_PORT = '0';
  const config = loadConfig({ configDir: join(PACKAGE_ROOT, 'config'), env: apiEnv });
  const log = createLogger(config.log.level === 'info' ? 'warn' : config.log.level);
  const regions = loadRegions(config.regions.dir);

  const conn = connectRedis(redis.url, { name: 'dev-api', role: 'request', log });
  await waitUntilReady(conn, 10_000);
  shutdown.defer('api redis connection', () => closeRedis(conn));
  const deps = buildApiDeps({ config, regions, redis: conn, log });
  shutdown.defer('api queues', () => deps.close(), { deadlineMs: 2000 });
  if (config.webhooks.enabled) {
    const webhooks = startApiWebhooks(deps);
    shutdown.defer('webhooks', () => webhooks.close(), { deadlineMs: 3000 });
  }

  // Workers before the API listens: they then stop after it (no new job reaches a stopping worker).
  const workers = await shutdown.launch('workers', (signal) => startWorkers([...regions.keys()], env, signal),
    (workers) => Promise.all(workers.map((w) => w.stop(5000))), { deadlineMs: 6000 });
  const apiMetrics = await launchMetrics(config, shutdown, log);
  const app = buildApp(deps);
  const address = await shutdown.launch('api', () => app.listen({ host: config.http.host, port: config.http.port }), () => closeHttp(app), { deadlineMs: 3000 });

  console.log(`\nSluice is up: ${address}\ntoken: ${token}\nregions: ${[...regions.keys()].join(', ')}`);
  console.log(`Bull Board: ${address}/admin/queues (log in with the token)`);
  if (apiMetrics) {
    console.log(`metrics: ${apiMetrics} (API), ${workers.map((w) => `${w.metricsUrl} (${w.name})`).join(', ')}`);
  }
  console.log('');
  await runExampleJob(address, token, [...regions.keys()][0]!, shutdown.signal);
  if (opts.exitAfterDemo) {
    shutdown.stopAndExit('example job done');
    return;
  }
  console.log(`\nThe same from the sluice command, in another terminal:\n  export SLUICE_URL=${address} SLUICE_TOKEN=${token}\n  npx sluice submit -r ${[...regions.keys()][0]} --script 'echo hello' --label dag=demo --label task=hello --wait --logs\n  npx sluice regions ; npx sluice ls ; npx sluice adoption --by team
  npx sluice webhooks add http://127.0.0.1:9000/hook --state FAILED   # a receiver of yours (loopback is allowed in dev)`);
  console.log('\nRunning. Ctrl-C stops everything.');
}
