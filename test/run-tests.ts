// The test command: a real redis-server on a free port for the whole run, then node's test runner
// over every test file, then Redis is stopped. Exit code is the runner's.

import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalRedis } from '../src/dev/local-redis.ts';

// --skip-real-yarn: the suites that start a real Hadoop YARN (files named *real-yarn*) are left
// out. CI runs them once, under the first Node version; the second version runs the rest.
const args = process.argv.slice(2);
const skipRealYarn = args.includes('--skip-real-yarn');
const only = args.filter((a) => !a.startsWith('--'));
const all = only.length ? only : ['test/unit', 'test/contract', 'test/integration'].flatMap((dir) =>
  readdirSync(dir).filter((f) => f.endsWith('.test.ts')).sort().map((f) => join(dir, f)));
const files = skipRealYarn ? all.filter((f) => !/real-yarn/.test(f)) : all;
if (skipRealYarn) console.log(`real-YARN suites left out: ${all.filter((f) => /real-yarn/.test(f)).join(', ')}`);

// No test or hook of ours takes minutes (the longest, a real-YARN HA failover, about 70 s): one
// that hangs fails after this instead of holding CI until its own limit.
const TEST_TIMEOUT_MS = 10 * 60 * 1000;

const redis = await startLocalRedis();
console.log(`redis-server for tests: ${redis.url}`);
const code = await new Promise<number>((resolve) => {
  const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', `--test-timeout=${TEST_TIMEOUT_MS}`, ...files], {
    stdio: 'inherit',
    env: { ...process.env, SLUICE_TEST_REDIS_URL: redis.url, NODE_ENV: 'test' },
  });
  child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
});
await redis.close();
process.exit(code);
