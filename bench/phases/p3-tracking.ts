// P3: the tracker with 1k, 5k, 10k running (held) applications: RM requests per tick (the
// emulator's counts over some ticks ÷ the ticks the worker's tick histogram counted), the tick's
// duration (same histogram), and state change → SSE: a batch of apps is released at once; t0 is
// each one's finishedTime at the emulator, t1 the terminal event received on the API's event
// stream. Also (P4) the API's and the worker's RSS, idle and at each level.

import { isTerminal, parseJobState } from '../../src/jobs/index.ts';
import { jobIdFromTags } from '../../src/yarn/distributed-shell.ts';
import { emulatorStats, releaseHeld, requestDelta } from '../emulator-client.ts';
import { LoadClient } from '../load.ts';
import type { BenchOptions } from '../options.ts';
import { trackerMetrics } from '../prometheus.ts';
import { shippedWorker } from '../regions.ts';
import { rssMb } from '../rss.ts';
import { watchEvents } from '../sse-watch.ts';
import type { BenchStack } from '../stack.ts';
import { percentile, round, sleep, until } from '../stats.ts';

export interface TrackingLevel {
  tracked: number;
  ticks: number;
  rmRequestsPerTick: number;
  rmRequestsByOperation: Record<string, number>;
  tickMeanMs: number;
  released: number;
  sseP50Ms: number;
  sseP99Ms: number;
  apiRssMb: number;
  workerRssMb: number;
}

export interface Tracking {
  tickIntervalMs: number;
  idle: { apiRssMb: number; workerRssMb: number };
  levels: TrackingLevel[];
}

export async function measureTracking(stack: BenchStack, opts: BenchOptions): Promise<Tracking> {
  const [region] = stack.regions(1) as [string];
  await stack.reset();
  await stack.startEmulators([region], { mode: 'held' });
  await stack.startWorkers([region]);
  const emulator = stack.emulators.get(region)!;
  const worker = stack.workers.get(region)!;
  const api = stack.api!;
  await sleep(3000, stack.signal); // start-up's garbage settles before "idle" is read
  const idle = { apiRssMb: round(rssMb(api.pid)), workerRssMb: round(rssMb(worker.pid)) };
  const metrics = () => trackerMetrics(worker.metricsUrl, region);
  const levels: TrackingLevel[] = [];
  for (const target of opts.p3Levels) {
    const held = (await emulatorStats(emulator.url)).apps.held;
    const load = new LoadClient(api.url, stack.token, opts.httpConcurrency);
    try {
      await load.closedLoop({ regions: [region], concurrency: opts.httpConcurrency, count: target - held, signal: stack.signal });
    } finally {
      await load.close();
    }
    const fillMs = 120_000 + target * 20;
    await until(async () => (await emulatorStats(emulator.url)).apps.held >= target, `${target} apps RUNNING at the emulator`, fillMs, stack.signal, 250);
    await until(async () => (await metrics()).tracked >= target, `the tracker following ${target} apps`, fillMs, stack.signal, 250);
    // Two more ticks: the one that moves every new job to RUNNING is not a steady-state tick.
    const settled = (await metrics()).ticks + 2;
    await until(async () => (await metrics()).ticks >= settled, 'two tracker ticks', 120_000, stack.signal, 100);

    const m0 = await metrics();
    const e0 = await emulatorStats(emulator.url);
    await until(async () => (await metrics()).ticks >= m0.ticks + opts.p3Ticks, `${opts.p3Ticks} tracker ticks`, opts.p3Ticks * 60_000, stack.signal, 100);
    const m1 = await metrics();
    const e1 = await emulatorStats(emulator.url);
    const ticks = m1.ticks - m0.ticks;
    const byOp = requestDelta(e0.requests, e1.requests);
    const rss = { apiRssMb: round(rssMb(api.pid)), workerRssMb: round(rssMb(worker.pid)) };

    const sse = await sseLatency(stack, emulator.url, region, opts.p3Release);
    levels.push({
      tracked: target,
      ticks,
      // The tracker's own requests (its two lists, a lookup of an app missing from both): the
      // preflight checks' cluster-info and scheduler reads run on their own 30 s clock.
      rmRequestsPerTick: round(((byOp.list ?? 0) + (byOp['get-app'] ?? 0)) / ticks, 2),
      rmRequestsByOperation: Object.fromEntries(Object.entries(byOp).map(([k, v]) => [k, round(v / ticks, 2)])),
      tickMeanMs: round(((m1.tickSeconds - m0.tickSeconds) / ticks) * 1000),
      ...sse,
      ...rss,
    });
  }
  return { tickIntervalMs: shippedWorker().trackerIntervalMs, idle, levels };
}

async function sseLatency(stack: BenchStack, emulatorUrl: string, region: string, count: number): Promise<{ released: number; sseP50Ms: number; sseP99Ms: number }> {
  const watch = watchEvents(stack.api!.url, stack.token, region);
  try {
    await watch.opened;
    await sleep(200, stack.signal);
    const released = await releaseHeld(emulatorUrl, count);
    const endedAt = new Map<string, number>();
    for (const app of released) {
      const jobId = jobIdFromTags(app.tags);
      if (jobId) endedAt.set(jobId, app.finishedTime);
    }
    const seen = new Map<string, number>();
    await until(() => {
      for (const c of watch.changes) if (endedAt.has(c.jobId) && isTerminal(parseJobState(c.to)) && !seen.has(c.jobId)) seen.set(c.jobId, c.receivedAt);
      return seen.size >= endedAt.size;
    }, `the terminal events of ${endedAt.size} released jobs on the event stream`, 120_000, stack.signal, 20);
    const latencies = [...seen].map(([jobId, at]) => at - (endedAt.get(jobId) as number));
    return { released: latencies.length, sseP50Ms: round(percentile(latencies, 50)), sseP99Ms: round(percentile(latencies, 99)) };
  } finally {
    watch.close();
  }
}
