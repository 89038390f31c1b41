// `npm run bench`: starts its own Redis (AOF everysec), the Sluice API, RM emulators that spawn
// nothing per job and region workers, measures P1–P4 (P5 with --real-yarn) beside a bare-BullMQ
// ceiling on the same Redis, prints a table, writes <out>/latest.json and <out>/bench.svg.
// Ctrl-C (or, with --stop-on-stdin-end, the end of stdin) stops everything it started.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../src/log.ts';
import { stopOnStdinEnd } from '../src/process/index.ts';
import { Shutdown } from '../src/runtime/index.ts';
import { measureCeiling } from './ceiling.ts';
import { describeMachine } from './machine.ts';
import { parseBenchOptions } from './options.ts';
import { measureSubmitLatency } from './phases/p1-latency.ts';
import { measureApiAlone, measureThroughput, type ThroughputConfig } from './phases/p2-throughput.ts';
import { measureTracking } from './phases/p3-tracking.ts';
import { measureRedisPerJob } from './phases/p4-redis.ts';
import { measureRealYarn } from './phases/p5-real-yarn.ts';
import { shippedWorker } from './regions.ts';
import { benchSvg } from './report-svg.ts';
import { formatTable } from './report-table.ts';
import { flatFigures, type BenchResults } from './results.ts';
import { BenchStack } from './stack.ts';

const argv = process.argv.slice(2);
const stdinLifeline = argv.includes('--stop-on-stdin-end');
const opts = parseBenchOptions(argv.filter((a) => a !== '--stop-on-stdin-end'));
const shutdown = new Shutdown({ log: createLogger('warn', 'bench'), deadlineMs: 60_000 }).installSignalHandlers();
if (stdinLifeline) stopOnStdinEnd((reason) => shutdown.stopAndExit(reason));

const began = Date.now();
let ok = false;
const step = (text: string) => process.stderr.write(`[bench +${((Date.now() - began) / 1000).toFixed(1)}s] ${text}\n`);

async function run(): Promise<BenchResults> {
  const runDir = mkdtempSync(join(tmpdir(), 'sluice-bench-'));
  // Kept when the run fails: the processes' logs are there.
  shutdown.defer('run dir', async () => {
    if (ok) rmSync(runDir, { recursive: true, force: true });
    else process.stderr.write(`bench: the processes' logs are kept in ${runDir}\n`);
  });
  step(`run dir ${runDir} (the processes' logs)`);
  const stack = await shutdown.launch('bench processes', (signal) => BenchStack.start(runDir, opts.regions, signal), (s) => s.close(), { deadlineMs: 30_000 });
  const shipped = shippedWorker().concurrency;

  step('ceiling: bare BullMQ');
  const ceiling = await measureCeiling(stack.redisUrl, opts.ceilingJobs, opts.highConcurrency);
  await stack.redis.flushall();
  step(`  ${ceiling.processedPerSecond}/s processed (${ceiling.addedPerSecond}/s added)`);

  step('starting the API (node bin/sluice.js serve)');
  await stack.startApi();
  step('P2: the API alone');
  const apiAlone = await measureApiAlone(stack, opts);
  step(`  ${apiAlone.acceptedPerSecond} 202s/s`);

  step(`P1: 202 → RM submit at ${opts.p1Rate}/s`);
  const p1 = await measureSubmitLatency(stack, opts);
  step(`  p50 ${p1.p50Ms} ms, p99 ${p1.p99Ms} ms over ${p1.jobs} jobs`);

  const configs: ThroughputConfig[] = [];
  const plan: [number, number][] = [[1, shipped], [1, opts.highConcurrency], [opts.regions, shipped]];
  if (!opts.quick) plan.push([opts.regions, opts.highConcurrency]);
  for (const [regions, concurrency] of plan) {
    step(`P2: ${regions} region(s), worker concurrency ${concurrency}`);
    const c = await measureThroughput(stack, opts, regions, concurrency);
    configs.push(c);
    step(`  ${c.submitsPerSecond} RM submits/s (${c.acceptedPerSecond} 202s/s)`);
  }

  step(`P3: tracking ${opts.p3Levels.join(', ')} running applications`);
  const p3 = await measureTracking(stack, opts);
  for (const l of p3.levels) step(`  ${l.tracked}: ${l.rmRequestsPerTick} RM requests/tick, tick ${l.tickMeanMs} ms, SSE p50 ${l.sseP50Ms} / p99 ${l.sseP99Ms} ms`);

  step(`P4: Redis commands per job (${opts.p4Jobs} jobs)`);
  const redis = await measureRedisPerJob(stack, opts);
  step(`  API ${redis.api.total}, worker phase ${redis.worker.total} commands/job`);

  let p5 = null;
  if (opts.realYarn) {
    await stack.reset();
    step(`P5: ${opts.p5Jobs} trivial jobs on a real YARN`);
    p5 = await measureRealYarn(stack, opts, step, shutdown);
  }
  const top = p3.levels[p3.levels.length - 1]!;
  const results: Omit<BenchResults, 'figures'> = {
    machine: describeMachine(),
    quick: opts.quick,
    ceiling,
    p1,
    p2: { apiAlone: { acceptedPerSecond: apiAlone.acceptedPerSecond }, configs },
    p3,
    p4: {
      rss: { apiIdleMb: p3.idle.apiRssMb, workerIdleMb: p3.idle.workerRssMb, apiAtMaxMb: top.apiRssMb, workerAtMaxMb: top.workerRssMb, maxTracked: top.tracked },
      redis,
    },
    p5,
  };
  return { ...results, figures: flatFigures(results) };
}

run().then(async (results) => {
  ok = true;
  mkdirSync(opts.outDir, { recursive: true });
  writeFileSync(join(opts.outDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(opts.outDir, 'bench.svg'), benchSvg(results));
  process.stdout.write(`\n${formatTable(results)}\n\nwrote ${join(opts.outDir, 'latest.json')} and ${join(opts.outDir, 'bench.svg')}\n`);
  // Exit, not just end: a stdin lifeline (--stop-on-stdin-end) keeps the event loop alive.
  process.exit(await shutdown.stop('bench done'));
}, async (err: Error) => {
  if (shutdown.isStopping) return; // Ctrl-C: the stop under way exits
  process.stderr.write(`bench failed: ${err.stack ?? err.message}\n`);
  await shutdown.stop('bench failed');
  process.exit(1);
});
