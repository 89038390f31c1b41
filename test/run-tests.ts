// The test command: a real redis-server on a free port for the whole run, then node's test runner
// over every test file (two at a time; those that start a real YARN afterwards, one at a time),
// then Redis is stopped. Exit code: the worst of the runs.

import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { startLocalRedis } from '../src/dev/local-redis.ts';
import { superviseChild, type SupervisedChild } from '../src/process/index.ts';

// --skip-real-yarn: the suites that start a real Hadoop YARN (files named *real-yarn*) are left
// out. CI runs them once, under the first Node version; the second version runs the rest.
const args = process.argv.slice(2);
const skipRealYarn = args.includes('--skip-real-yarn');
// --concurrency=N: how many test files run at once (each file is a process of its own, with its own
// namespace, ports and stacks). Default: 2, or 1 on a one-core machine.
const concurrency = Number(args.find((a) => a.startsWith('--concurrency='))?.split('=')[1] ?? Math.min(2, availableParallelism()));
const only = args.filter((a) => !a.startsWith('--'));
const all = only.length ? only : ['test/unit', 'test/contract', 'test/integration'].flatMap((dir) =>
  readdirSync(dir).filter((f) => f.endsWith('.test.ts')).sort().map((f) => join(dir, f)));
const files = skipRealYarn ? all.filter((f) => !/real-yarn/.test(f)) : all;
if (skipRealYarn) console.log(`real-YARN suites left out: ${all.filter((f) => /real-yarn/.test(f)).join(', ')}`);
// Files that start real YARN JVMs (or whole dev stacks with one) run afterwards, one at a time:
// two JVM clusters at once would starve each other and everything beside them on two cores. The
// bench smoke test loads both cores, and the tracker's batch test starts 2,000 shell processes:
// beside them another file's timings failed (a tracker tick sent nothing for 15 s under Node 24).
const ALONE = /real-yarn|stop-signals|dev-stack|bench-smoke|tracker-batch/;
const together = files.filter((f) => !ALONE.test(f));
const alone = files.filter((f) => ALONE.test(f));

// No test or hook of ours takes minutes (the longest, a real-YARN HA failover, about 70 s): one
// that hangs fails after this instead of holding CI until its own limit.
const TEST_TIMEOUT_MS = 10 * 60 * 1000;

const redis = await startLocalRedis();
console.log(`redis-server for tests: ${redis.url}`);

// Ctrl-C or a SIGTERM (CI's timeout, a killed `npm test`) stops the test runner's whole process
// group — it and every test file's process — and then Redis; without it, killing this script left
// `node --test` and its files running on, holding ports and starting YARNs.
let running: SupervisedChild | undefined;
let stopping = false;
for (const [signal, exitCode] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping the tests`);
    void (running?.stop(10_000) ?? Promise.resolve())
      .catch((err: Error) => console.error(err.message))
      .finally(() => redis.close().finally(() => process.exit(exitCode)));
  });
}

let code = 0;
for (const [batch, n] of [[together, concurrency], [alone, 1]] as const) {
  if (!batch.length || stopping) continue;
  console.log(`running ${batch.length} test files, ${n} at a time`);
  code = Math.max(code, await runFiles(batch, n));
}
if (!stopping) { // else the signal handler stops Redis and exits
  await redis.close();
  process.exit(code);
}

async function runFiles(batch: readonly string[], n: number): Promise<number> {
  // Its own process group (supervised), so a stop reaches every test file's process at once.
  running = superviseChild(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${n}`, `--test-timeout=${TEST_TIMEOUT_MS}`, ...batch], {
    name: 'node --test',
    stdio: 'inherit',
    // Tests inside other files that start a real YARN (`npm run dev` with Java) skip themselves too.
    env: { ...process.env, SLUICE_TEST_REDIS_URL: redis.url, NODE_ENV: 'test', ...(skipRealYarn ? { SLUICE_TEST_SKIP_REAL_YARN: '1' } : {}) },
  });
  const exit = await running.exited;
  return typeof exit === 'number' ? exit : 1;
}
