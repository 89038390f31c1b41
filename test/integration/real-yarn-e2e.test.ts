// Sluice end to end on a real Hadoop YARN (ResourceManager + NodeManager JVMs from Maven Central
// jars): shell jobs with args and env, a failing script, cancel, timeout, logs, and `hadoop jar`
// running the MapReduce examples' pi.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ulid } from 'ulid';
import { processWithMarkerAlive } from '../support/processes.ts';
import { javaAvailable, startRealYarn, type RealYarn } from '../support/real-yarn.ts';
import { shellJob, Stack } from '../support/stack.ts';

if (!javaAvailable()) throw new Error('the real-YARN suite needs Java 17 and Maven');

let yarn: RealYarn;
let stack: Stack;
before(async () => {
  yarn = await startRealYarn({ requireUserName: true });
  stack = await Stack.start({ regions: ['ry'], realYarn: { ry: yarn }, trackerIntervalMs: 500 });
});
after(async () => {
  await stack?.close();
  await yarn?.stop();
});

test('a shell job with args and env: SUCCEEDED, its output through the logs API', async () => {
  const res = await stack.submit(shellJob('ry', 'echo "args:$#:$1:$2"; echo "env:$TARGET"; echo "to stderr" >&2', { args: ['--date', 'a b'], env: { TARGET: 'prod' } }));
  const job = await stack.waitForState(res.body.id, 'SUCCEEDED', 90_000);
  assert.match(job.application!.id, /^application_\d+_\d+$/);
  const out = await stack.request('GET', `/v1/jobs/${res.body.id}/logs`);
  assert.equal(out.status, 200, JSON.stringify(out.body));
  assert.equal(out.body, 'args:2:--date:a b\nenv:prod\n');
  assert.equal((await stack.request('GET', `/v1/jobs/${res.body.id}/logs?file=stderr`)).body, 'to stderr\n');
});

test('exit 3: FAILED with the application diagnostics', async () => {
  const res = await stack.submit(shellJob('ry', 'echo oops >&2; exit 3'));
  const job = await stack.waitForState(res.body.id, 'FAILED', 90_000);
  assert.equal(job.error!.code, 'APPLICATION_FAILED');
  assert.match(job.error!.message, /Exit code: 3/);
  assert.equal(job.application!.finalStatus, 'FAILED');
});

test('cancel while running: KILLED, and the container process is gone', async () => {
  const marker = `sluice-e2e-${ulid()}`;
  const res = await stack.submit(shellJob('ry', `exec -a ${marker} sleep 300`));
  await stack.waitForState(res.body.id, 'RUNNING', 90_000);
  const deadline = Date.now() + 60_000;
  while (!processWithMarkerAlive(marker) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  assert.ok(processWithMarkerAlive(marker), 'the script runs in a container');
  assert.equal((await stack.request('POST', `/v1/jobs/${res.body.id}/cancel`)).status, 202);
  const job = await stack.waitForState(res.body.id, 'KILLED', 60_000);
  assert.equal(job.killReason, 'cancelled');
  const gone = Date.now() + 10_000;
  while (processWithMarkerAlive(marker) && Date.now() < gone) await new Promise((r) => setTimeout(r, 250));
  assert.equal(processWithMarkerAlive(marker), false);
});

test('timeoutSeconds: KILLED with reason timeout', async () => {
  const res = await stack.submit(shellJob('ry', 'sleep 300', { timeoutSeconds: 8 }));
  const job = await stack.waitForState(res.body.id, 'KILLED', 90_000);
  assert.equal(job.killReason, 'timeout');
  assert.equal(job.error!.code, 'TIMEOUT');
});

test('kind hadoop-jar: the MapReduce examples pi runs to SUCCEEDED', { timeout: 240_000 }, async () => {
  const res = await stack.submit({
    region: 'ry', name: 'pi', kind: 'hadoop-jar', jar: yarn.mapreduceExamplesJar, args: ['pi', '2', '10'],
    resources: { memoryMb: 512 },
  });
  assert.equal(res.status, 202, JSON.stringify(res.body));
  const job = await stack.waitForState(res.body.id, 'SUCCEEDED', 200_000);
  const out = await stack.request('GET', `/v1/jobs/${job.id}/logs`);
  assert.match(out.body, /Estimated value of Pi is 3\.\d+/);
});
