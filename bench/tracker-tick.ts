// The tracker at scale, measured on a real worker process: for 0 (idle), 1k, 5k and 10k tracked
// applications, the tick's duration (the worker's own tick histogram), the RM list requests per
// tick, the worker's RSS, and how long N state changes take to be recorded (all ACCEPTED → RUNNING
// on the first ticks, all RUNNING → SUCCEEDED at once later). The RM is a stub holding the apps
// without processes (test/support/many-apps-rm.ts); Redis is a redis-server of its own.
//
//   node --import tsx bench/tracker-tick.ts [counts…]     e.g. 1000 5000 10000 (default 0 1000 5000 10000)
//   SLUICE_BENCH_TICK_MS=1000  the region's trackerIntervalMs (default 1000)
// Prints one table row per count, and the JSON of all rows last.

import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ulid } from 'ulid';
import { startLocalRedis } from '../src/dev/local-redis.ts';
import { parseJobSpec } from '../src/jobs/index.ts';
import { JobStore, keysFor } from '../src/store/index.ts';
import { jobTags } from '../src/yarn/distributed-shell.ts';
import { startManyAppsRm } from '../test/support/many-apps-rm.ts';
import { Stack } from '../test/support/stack.ts';

const counts = process.argv.slice(2).map(Number).filter((n) => Number.isInteger(n) && n >= 0);
const COUNTS = counts.length ? counts : [0, 1000, 5000, 10000];
const TICK_MS = Number(process.env.SLUICE_BENCH_TICK_MS ?? 1000);
const STEADY_MS = 10_000;
const PHASE_LIMIT_MS = 180_000;

interface Row {
  tracked: number;
  tickMs: number | null;
  listsPerTick: number | null;
  rssStartMb: number;
  rssMaxMb: number;
  toRunningMs: number | null;
  toSucceededMs: number | null;
}

const redis = await startLocalRedis();
const rows: Row[] = [];
try {
  for (const n of COUNTS) {
    rows.push(await measure(n));
    const r = rows.at(-1)!;
    console.log(`tracked ${String(r.tracked).padStart(6)}  tick ${fmt(r.tickMs)} ms  lists/tick ${fmt(r.listsPerTick, 2)}  RSS at start ${r.rssStartMb} MB, max ${r.rssMaxMb} MB  all RUNNING after ${fmt(r.toRunningMs)} ms  all SUCCEEDED after ${fmt(r.toSucceededMs)} ms`);
  }
} finally {
  await redis.close();
}
console.log(JSON.stringify({ tickIntervalMs: TICK_MS, node: process.version, rows }, null, 2));

async function measure(n: number): Promise<Row> {
  const rm = await startManyAppsRm();
  const stack = await Stack.start({
    regions: ['ra'], startWorkers: false, redisUrl: redis.url, trackerIntervalMs: TICK_MS,
    resourceManagers: () => [rm.url], env: { SLUICE_METRICS_PORT: '0', SLUICE_RECONCILE_INTERVAL_SECONDS: '3600' },
  });
  try {
    const store = new JobStore(stack.redis, keysFor(stack.ns), { idempotencyTtlSeconds: 3600, eventsMaxLength: 100, retentionSeconds: 3600 });
    const ids = await trackedJobs(store, stack.ns, rm, n);
    await stack.startWorker('ra');
    const pid = stack.workers.get('ra')!.child.pid!;
    const metrics = stack.workerMetricsUrl('ra');
    const rss = rssSampler(pid);
    const rssStartMb = rss.now();
    const allIn = async (state: string) => {
      const pipe = stack.redis.pipeline();
      for (const id of ids) pipe.hget(store.keys.job(id), 'state');
      const res = (await pipe.exec()) ?? [];
      return res.every(([, s]) => s === state);
    };
    const until = async (state: string) => {
      const from = Date.now();
      while (!(await allIn(state))) {
        if (Date.now() - from > PHASE_LIMIT_MS) throw new Error(`not all ${n} jobs ${state} after ${PHASE_LIMIT_MS} ms`);
        await sleep(50);
      }
      return Date.now() - from;
    };
    const toRunningMs = n ? await until('RUNNING') : null;
    // Steady ticks: nothing changes; the tick is the list requests plus the batched reads.
    await waitTicks(metrics, 2);
    const a = await tickStats(metrics);
    const listsA = rm.listRequests();
    await sleep(STEADY_MS);
    const b = await tickStats(metrics);
    const ticks = b.count - a.count;
    const tickMs = ticks > 0 ? ((b.sum - a.sum) / ticks) * 1000 : null;
    const listsPerTick = ticks > 0 ? (rm.listRequests() - listsA) / ticks : null;
    let toSucceededMs: number | null = null;
    if (n) {
      rm.finishAll();
      toSucceededMs = await until('SUCCEEDED');
    }
    await sleep(2 * TICK_MS);
    rss.stop();
    return { tracked: n, tickMs, listsPerTick, rssStartMb, rssMaxMb: rss.max(), toRunningMs, toSucceededMs };
  } finally {
    await stack.close();
    await rm.close();
  }
}

/** n jobs in ACCEPTED, tracked, each with a RUNNING application on the stub RM. */
async function trackedJobs(store: JobStore, ns: string, rm: Awaited<ReturnType<typeof startManyAppsRm>>, n: number): Promise<string[]> {
  const parsed = parseJobSpec({ region: 'ra', name: 'bench', kind: 'shell', script: 'echo hi' });
  if (!parsed.ok) throw new Error('bench job spec does not parse');
  const ids: string[] = [];
  const cluster = Date.now();
  for (let i = 0; i < n; i += 200) {
    const batch = Array.from({ length: Math.min(200, n - i) }, (_, k) => ({ jobId: `job_${ulid()}`, appId: `application_${cluster}_${String(i + k + 1).padStart(4, '0')}` }));
    await Promise.all(batch.map(async ({ jobId, appId }) => {
      await store.create({ id: jobId, spec: parsed.spec, principal: 'bench', timeoutSeconds: 3600, idempotency: null });
      await store.transition(jobId, 'PREFLIGHT');
      await store.transition(jobId, 'SUBMITTING');
      await store.transition(jobId, 'ACCEPTED', { submittedAtMs: Date.now() }, ['SUBMITTING'], { track: { applicationId: appId, submittedAtMs: Date.now() } });
    }));
    rm.addRunning(batch.map(({ jobId, appId }) => ({ id: appId, tags: jobTags(jobId, 'ra', ns) })));
    ids.push(...batch.map((b) => b.jobId));
  }
  return ids;
}

async function tickStats(metricsUrl: string): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(metricsUrl)).text();
  const value = (name: string) => Number(new RegExp(`^${name}\\{region="ra"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return { sum: value('sluice_tracker_tick_duration_seconds_sum'), count: value('sluice_tracker_tick_duration_seconds_count') };
}

async function waitTicks(metricsUrl: string, k: number): Promise<void> {
  const from = (await tickStats(metricsUrl)).count;
  while ((await tickStats(metricsUrl)).count < from + k) await sleep(100);
}

/** VmRSS of a process, sampled every 100 ms: the largest seen. */
function rssSampler(pid: number) {
  const read = () => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
  let max = read();
  const timer = setInterval(() => { try { max = Math.max(max, read()); } catch { /* exited */ } }, 100);
  return { now: read, max: () => max, stop: () => clearInterval(timer) };
}

function fmt(v: number | null, digits = 0): string {
  return v === null ? '-' : v.toFixed(digits);
}
