// P4: Redis commands per job, by name (INFO commandstats). First the API alone accepts N jobs (no
// worker running); then one worker takes them through their whole life (submit, ACCEPTED, RUNNING,
// SUCCEEDED: the emulator ends each app 100 ms after it runs). Each phase's count has what the
// same processes do when idle subtracted (measured after, over a few seconds, scaled to the phase).

import { emulatorStats } from '../emulator-client.ts';
import { LoadClient } from '../load.ts';
import type { BenchOptions } from '../options.ts';
import { trackerMetrics } from '../prometheus.ts';
import { commandDelta, commandStats, perJob, type CommandCounts } from '../redis-commands.ts';
import type { BenchStack } from '../stack.ts';
import { sleep, until } from '../stats.ts';

export interface RedisPerJob {
  jobs: number;
  api: { total: number; byName: CommandCounts };
  worker: { total: number; byName: CommandCounts };
}

/** Commands per ms with nothing to do. */
async function idleRate(stack: BenchStack, ms: number): Promise<CommandCounts> {
  const before = await commandStats(stack.redis);
  await sleep(ms, stack.signal);
  const after = await commandStats(stack.redis);
  const d = commandDelta(before, after);
  // The INFO calls themselves are the bench's, not Sluice's.
  delete d.info;
  return Object.fromEntries(Object.entries(d).map(([k, v]) => [k, v / ms]));
}

const scale = (rate: CommandCounts, ms: number): CommandCounts =>
  Object.fromEntries(Object.entries(rate).map(([k, v]) => [k, v * ms]));

export async function measureRedisPerJob(stack: BenchStack, opts: BenchOptions): Promise<RedisPerJob> {
  const [region] = stack.regions(1) as [string];
  await stack.reset();
  await stack.startEmulators([region], { mode: 'timed', runMs: 100 });
  const emulator = stack.emulators.get(region)!;
  const jobs = opts.p4Jobs;

  const apiIdle = await idleRate(stack, opts.p4IdleMs);
  const a0 = await commandStats(stack.redis);
  const t0 = Date.now();
  const load = new LoadClient(stack.api!.url, stack.token, opts.httpConcurrency);
  try {
    const result = await load.closedLoop({ regions: [region], concurrency: opts.httpConcurrency, count: jobs, signal: stack.signal });
    if (result.accepted.length !== jobs) throw new Error(`bench: P4 accepted ${result.accepted.length} of ${jobs} (${JSON.stringify(result.refused)})`);
  } finally {
    await load.close();
  }
  const a1 = await commandStats(stack.redis);
  const apiDelta = commandDelta(a0, a1, scale(apiIdle, Date.now() - t0));

  const w0 = await commandStats(stack.redis);
  const t1 = Date.now();
  await stack.startWorkers([region]);
  const worker = stack.workers.get(region)!;
  await until(async () => ((await emulatorStats(emulator.url)).apps.byState.FINISHED ?? 0) >= jobs, `${jobs} apps FINISHED`, 120_000 + jobs * 50, stack.signal, 250);
  await until(async () => (await trackerMetrics(worker.metricsUrl, region)).tracked === 0, 'the tracker following nothing', 60_000, stack.signal, 100);
  const w1 = await commandStats(stack.redis);
  const workerMs = Date.now() - t1;
  const workerIdle = await idleRate(stack, opts.p4IdleMs);
  const workerDelta = commandDelta(w0, w1, scale(workerIdle, workerMs));
  for (const d of [apiDelta, workerDelta]) delete d.info;
  return { jobs, api: perJob(apiDelta, jobs), worker: perJob(workerDelta, jobs) };
}
