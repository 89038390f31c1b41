// Sluice end to end on a real Hadoop YARN (ResourceManager + NodeManager JVMs from Maven Central
// jars): shell jobs with args and env, a failing script, cancel, timeout, logs, and `hadoop jar`
// running the MapReduce examples' pi.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ulid } from 'ulid';
import { processWithMarkerAlive } from '../support/processes.ts';
import { javaAvailable, startRealYarn, type RealYarn } from '../support/real-yarn.ts';
import { shellJob, Stack } from '../support/stack.ts';
import { waitFor } from '../support/wait-for.ts';

if (!javaAvailable()) throw new Error('the real-YARN suite needs Java 17 and Maven');

let yarn: RealYarn;
let stack: Stack;
before(async () => {
  yarn = await startRealYarn({ requireUserName: true });
  // Reconciliation every 2 s: it is what records a hadoop-jar job's MapReduce run on the job.
  stack = await Stack.start({ regions: ['ry'], realYarn: { ry: yarn }, trackerIntervalMs: 500, env: { SLUICE_RECONCILE_INTERVAL_SECONDS: '2' } });
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

test('kind hadoop-jar: the MapReduce examples pi runs to SUCCEEDED, its MapReduce run shown on the job', { timeout: 240_000 }, async () => {
  const res = await stack.submit({
    region: 'ry', name: 'pi', kind: 'hadoop-jar', jar: yarn.mapreduceExamplesJar, args: ['pi', '2', '10'], childTagsAt: 1,
    resources: { memoryMb: 512 },
  });
  assert.equal(res.status, 202, JSON.stringify(res.body));
  const job = await stack.waitForState(res.body.id, 'SUCCEEDED', 200_000);
  const out = await stack.request('GET', `/v1/jobs/${job.id}/logs`);
  assert.match(out.body, /Estimated value of Pi is 3\.\d+/);
  // The MR application carries the job's tag: the RM finds it by that tag, apart from the DS app.
  const tagged = await fetch(`${yarn.rmUrl}/ws/v1/cluster/apps?applicationTags=sluice-job-${job.id.toLowerCase()}&user.name=sluice`).then((r) => r.json()) as { apps: { app?: { id: string; applicationType: string }[] } };
  const types = (tagged.apps.app ?? []).map((a) => a.applicationType).sort();
  assert.deepEqual(types, ['MAPREDUCE', 'SLUICE']);
});

test('cancel of a hadoop-jar job kills its MapReduce run too', { timeout: 240_000 }, async () => {
  const res = await stack.submit({
    region: 'ry', name: 'pi-long', kind: 'hadoop-jar', jar: yarn.mapreduceExamplesJar, args: ['pi', '2', '2000000000'], childTagsAt: 1,
    resources: { memoryMb: 512 },
  });
  assert.equal(res.status, 202, JSON.stringify(res.body));
  const running = await stack.waitForJob(res.body.id, (j) => j.childApplications.some((c: { state: string }) => c.state === 'RUNNING'), 150_000);
  const child = running.childApplications[0]!.id as string;
  assert.equal((await stack.request('POST', `/v1/jobs/${res.body.id}/cancel`)).status, 202);
  await stack.waitForState(res.body.id, 'KILLED', 60_000);
  const state = async () => ((await fetch(`${yarn.rmUrl}/ws/v1/cluster/apps/${child}?user.name=sluice`).then((r) => r.json())) as { app: { state: string } }).app.state;
  await waitFor(async () => (await state()) === 'KILLED', { what: `the MapReduce application ${child} KILLED`, timeoutMs: 60_000, intervalMs: 500 });
});
