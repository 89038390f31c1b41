// The test command: a real redis-server on a free port for the whole run, then node's test runner
// over every test file, then Redis is stopped. Exit code is the runner's.

import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalRedis } from '../src/dev/local-redis.ts';

const only = process.argv.slice(2);
const files = only.length ? only : ['test/unit', 'test/contract', 'test/integration'].flatMap((dir) =>
  readdirSync(dir).filter((f) => f.endsWith('.test.ts')).sort().map((f) => join(dir, f)));

const redis = await startLocalRedis();
console.log(`redis-server for tests: ${redis.url}`);
const code = await new Promise<number>((resolve) => {
  const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...files], {
    stdio: 'inherit',
    env: { ...process.env, SLUICE_TEST_REDIS_URL: redis.url, NODE_ENV: 'test' },
  });
  child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
});
await redis.close();
process.exit(code);
