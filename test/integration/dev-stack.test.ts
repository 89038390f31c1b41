// The README's first command, `npm run dev` (= `sluice dev`), brings up the local stack (a real
// YARN when Java is present, the emulator with --emulator or without Java), runs the example job to
// SUCCEEDED, shows its output, honours SLUICE_HTTP_PORT and SLUICE_DEV_TOKEN, and tears down.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { randomBytes } from 'node:crypto';
import { freePort } from '../../src/dev/local-redis.ts';
import { processesWithEnv } from '../support/processes.ts';
import { javaAvailable, realYarnSkip } from '../support/real-yarn.ts';
import { REPO } from '../support/stack.ts';

for (const mode of ['default', '--emulator'] as const) {
// The default mode starts a real YARN when Java is present: run once, like the real-YARN suites.
test(`sluice dev (${mode}) runs the example job end to end and stops cleanly`, { timeout: 180_000, skip: mode === 'default' && javaAvailable() && realYarnSkip() }, async () => {
  const port = await freePort();
  const marker = randomBytes(6).toString('hex');
  const child = spawn(process.execPath, ['bin/sluice.js', 'dev', '--exit-after-demo', ...(mode === 'default' ? [] : [mode])], {
    cwd: REPO,
    env: { ...process.env, NODE_ENV: 'development', SLUICE_HTTP_PORT: String(port), SLUICE_DEV_TOKEN: 'dev-token-from-test', SLUICE_REDIS_URL: '', DEV_STACK_TEST_MARKER: marker },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const code = await new Promise((r) => child.once('exit', r));
  assert.equal(code, 0, out);
  assert.match(out, new RegExp(`Sluice is up: http://127\\.0\\.0\\.1:${port}`));
  assert.match(out, /token: dev-token-from-test/);
  assert.match(out, new RegExp(`Bull Board: http://127\\.0\\.0\\.1:${port}/admin/queues`));
  assert.match(out, /metrics: http:\/\/127\.0\.0\.1:\d+\/metrics \(API\), http:\/\/127\.0\.0\.1:\d+\/metrics \(worker local-a\), http:\/\/127\.0\.0\.1:\d+\/metrics \(worker local-b\)/);
  assert.match(out, /RUNNING → SUCCEEDED/);
  assert.match(out, /logs\):\nhello from .*args: --date \d{4}-\d{2}-\d{2}, TARGET=dev/);
  assert.match(out, mode === 'default' && javaAvailable() ? /YARN: real Hadoop 3\.4\.\d+ ResourceManager/ : /YARN: the ResourceManager emulator/);
  // Everything it started is gone (nothing that inherited its environment is left), the port is free.
  assert.deepEqual(processesWithEnv(`DEV_STACK_TEST_MARKER=${marker}`), []);
  await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`));
});
}
