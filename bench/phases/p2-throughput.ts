// P2: sustained HTTP → RM-submit throughput. The load generator keeps requests in flight for the
// whole run, but never more than BACKLOG jobs accepted and not yet submitted: deep enough that the
// workers never wait for work, bounded so that the API does not spend the cores on a queue that
// only grows (a flood measures how fast the API starves the workers, not a rate the system keeps
// up). After a warm-up, the RM submits counted by the emulators over a window are the figure. Apps
// are held RUNNING, so the tracker follows every one as it would in production. Also the API alone
// (no worker running): how fast it accepts.

import { emulatorStats, sumRequests } from '../emulator-client.ts';
import { LoadClient } from '../load.ts';
import type { BenchOptions } from '../options.ts';
import type { BenchStack } from '../stack.ts';
import { round, sleep } from '../stats.ts';

export interface ThroughputConfig {
  label: string;
  regions: number;
  concurrency: number;
  /** RM submits per second over the window. */
  submitsPerSecond: number;
  /** 202s per second over the same window. */
  acceptedPerSecond: number;
}

/** Jobs accepted and not yet submitted to the RM, at most: the queue the workers draw from. */
const BACKLOG = 1000;
/** How often the gate reads the emulators' submit counts. */
const GATE_POLL_MS = 20;

/**
 * A gate that holds POSTs while the backlog is full. One reading of the emulators is shared by
 * every waiting POST, so the gate costs one request per emulator per poll.
 */
function backlogGate(stack: BenchStack, accepted: () => number): (until: number) => Promise<void> {
  let reading: Promise<number> | null = null;
  const read = () => (reading ??= submitsNow(stack).finally(() => setTimeout(() => { reading = null; }, GATE_POLL_MS)));
  // Never past the load's end: workers that stop taking jobs must end the phase, not hang it.
  return async (until) => {
    while (accepted() - (await read()) >= BACKLOG && !stack.signal.aborted && Date.now() < until) await sleep(GATE_POLL_MS);
  };
}

async function submitsNow(stack: BenchStack): Promise<number> {
  const stats = await Promise.all([...stack.emulators.values()].map((e) => emulatorStats(e.url)));
  return sumRequests(stats).submit ?? 0;
}

export async function measureThroughput(stack: BenchStack, opts: BenchOptions, regionCount: number, concurrency: number): Promise<ThroughputConfig> {
  const regions = stack.regions(regionCount);
  await stack.reset();
  await stack.startEmulators(regions, { mode: 'held' });
  await stack.startWorkers(regions, concurrency);
  const load = new LoadClient(stack.api!.url, stack.token, opts.httpConcurrency);
  try {
    const base = await submitsNow(stack);
    let acceptedSoFar = 0;
    const running = load.closedLoop({
      regions, concurrency: opts.httpConcurrency, durationMs: (opts.p2WarmupSeconds + opts.p2Seconds) * 1000 + 500, signal: stack.signal,
      gate: backlogGate(stack, () => base + acceptedSoFar),
      onAccepted: () => { acceptedSoFar++; },
    });
    await sleep(opts.p2WarmupSeconds * 1000, stack.signal);
    const s0 = await submitsNow(stack);
    const t0 = Date.now();
    await sleep(opts.p2Seconds * 1000, stack.signal);
    const s1 = await submitsNow(stack);
    const t1 = Date.now();
    const result = await running;
    const accepted = result.accepted.filter((a) => a.at >= t0 && a.at < t1).length;
    return {
      label: `${regionCount === 1 ? '1 region' : `${regionCount} regions`}, concurrency ${concurrency}`,
      regions: regionCount,
      concurrency,
      submitsPerSecond: round(((s1 - s0) * 1000) / (t1 - t0), 0),
      acceptedPerSecond: round((accepted * 1000) / (t1 - t0), 0),
    };
  } finally {
    await load.close();
  }
}

/** The API with no worker running: 202s per second at saturation. */
export async function measureApiAlone(stack: BenchStack, opts: BenchOptions): Promise<{ acceptedPerSecond: number; refused: Record<string, number> }> {
  await stack.reset();
  const load = new LoadClient(stack.api!.url, stack.token, opts.httpConcurrency);
  try {
    const result = await load.closedLoop({ regions: stack.regions(1), concurrency: opts.httpConcurrency, durationMs: opts.p2Seconds * 1000, signal: stack.signal });
    return { acceptedPerSecond: round((result.accepted.length * 1000) / result.ms, 0), refused: result.refused };
  } finally {
    await load.close();
  }
}
