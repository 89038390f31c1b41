// P1: what Sluice adds between the 202 and the RM receiving the submit, at a fixed offered rate
// (one region, the shipped worker concurrency). t0: the 202 received by the load generator;
// t1: the emulator's record of the submit's arrival. Same host, same clock.

import { jobIdFromTags } from '../../src/yarn/distributed-shell.ts';
import { emulatorApps, emulatorStats } from '../emulator-client.ts';
import { LoadClient } from '../load.ts';
import type { BenchOptions } from '../options.ts';
import type { BenchStack } from '../stack.ts';
import { percentile, round, until } from '../stats.ts';

export interface SubmitLatency {
  offeredPerSecond: number;
  jobs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export async function measureSubmitLatency(stack: BenchStack, opts: BenchOptions): Promise<SubmitLatency> {
  const [region] = stack.regions(1) as [string];
  await stack.reset();
  await stack.startEmulators([region], { mode: 'held' });
  await stack.startWorkers([region]);
  const emulator = stack.emulators.get(region)!;
  const load = new LoadClient(stack.api!.url, stack.token, 64);
  let result;
  let warmup;
  try {
    // A warm-up at the same rate first (freshly started processes compile their hot paths): not counted.
    warmup = await load.openLoop({ regions: [region], rate: opts.p1Rate, durationMs: opts.p2WarmupSeconds * 1000, signal: stack.signal });
    result = await load.openLoop({ regions: [region], rate: opts.p1Rate, durationMs: opts.p1Seconds * 1000, signal: stack.signal });
  } finally {
    await load.close();
  }
  const jobs = result.accepted.length;
  if (jobs === 0) throw new Error(`bench: P1 got no 202 (${JSON.stringify(result.refused)})`);
  const all = jobs + warmup.accepted.length;
  await until(async () => ((await emulatorStats(emulator.url)).requests.submit ?? 0) >= all, `all ${all} P1 jobs submitted to the RM`, 60_000, stack.signal);
  const arrival = new Map<string, number>();
  for (const app of await emulatorApps(emulator.url)) {
    const jobId = jobIdFromTags(app.tags);
    if (jobId) arrival.set(jobId, app.submitArrivedAt);
  }
  const latencies = result.accepted.map((a) => (arrival.get(a.jobId) ?? Number.NaN) - a.at).filter(Number.isFinite);
  return {
    offeredPerSecond: opts.p1Rate,
    jobs: latencies.length,
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(Math.max(...latencies)),
  };
}
