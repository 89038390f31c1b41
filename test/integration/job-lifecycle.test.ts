// The core acceptance through the HTTP API, a real Redis and the RM emulator: runs, failures,
// SSE order, cancel in every state, timeouts.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readSse } from '../support/sse.ts';
import { ADMIN_TOKEN, shellJob, Stack } from '../support/stack.ts';

let stack: Stack;
before(async () => { stack = await Stack.start({ regions: ['ra', 'rb'] }); });
after(async () => { await stack?.close(); });

const terminal = (e: { data: { to?: string } }) => ['SUCCEEDED', 'FAILED', 'KILLED'].includes(e.data.to ?? '');

test('a shell job with args and env succeeds; SSE shows every state in order', async () => {
  const res = await stack.submit(shellJob('ra', 'echo "args:$#:$1:$2"; echo "env:$TARGET"', { args: ['--date', '2026 11 22'], env: { TARGET: 'prod' } }));
  assert.equal(res.status, 202, JSON.stringify(res.body));
  assert.equal(res.body.state, 'QUEUED');
  const events = await readSse(`${stack.api}/v1/jobs/${res.body.id}/events`, { token: ADMIN_TOKEN, stop: terminal });
  assert.deepEqual(events.map((e) => e.data.to), ['QUEUED', 'PREFLIGHT', 'SUBMITTING', 'ACCEPTED', 'RUNNING', 'SUCCEEDED']);
  assert.deepEqual(events.map((e) => e.data.from), [null, 'QUEUED', 'PREFLIGHT', 'SUBMITTING', 'ACCEPTED', 'RUNNING']);
  const job = (await stack.request('GET', `/v1/jobs/${res.body.id}`)).body;
  assert.equal(job.state, 'SUCCEEDED');
  assert.match(job.application.id, /^application_\d+_\d{4}$/);
  assert.equal(job.application.finalStatus, 'SUCCEEDED');
  assert.ok(job.finishedAt);
  const app = stack.emulators.get('ra')!.application(job.application.id)!;
  assert.equal(readFileSync(join(app.workDir!, 'stdout'), 'utf8'), 'args:2:--date:2026 11 22\nenv:prod\n');
});

test('SSE resumes after Last-Event-ID without repeating', async () => {
  const res = await stack.submit(shellJob('ra', 'true'));
  const all = await readSse(`${stack.api}/v1/jobs/${res.body.id}/events`, { token: ADMIN_TOKEN, stop: terminal });
  const rest = await readSse(`${stack.api}/v1/jobs/${res.body.id}/events`, { token: ADMIN_TOKEN, lastEventId: all[2]!.id, stop: terminal });
  assert.deepEqual(rest.map((e) => e.id), all.slice(3).map((e) => e.id));
});

test('a script that exits 3 ends FAILED with the application diagnostics', async () => {
  const res = await stack.submit(shellJob('ra', 'echo boom >&2; exit 3'));
  const job = await stack.waitForState(res.body.id, 'FAILED');
  assert.equal(job.application!.finalStatus, 'FAILED');
  assert.equal(job.error!.code, 'APPLICATION_FAILED');
  assert.match(job.error!.message, /Exit code: 3/);
  assert.match(job.error!.message, /boom/);
  assert.equal(job.error!.message, job.application!.diagnostics);
});

test('cancel while running kills the application within two tracker ticks; the process is gone', async () => {
  const res = await stack.submit(shellJob('ra', 'sleep 60'));
  const running = await stack.waitForState(res.body.id, 'RUNNING');
  const emu = stack.emulators.get('ra')!;
  assert.ok(emu.isProcessAlive(running.application!.id));
  const started = Date.now();
  const cancel = await stack.request('POST', `/v1/jobs/${res.body.id}/cancel`);
  assert.equal(cancel.status, 202);
  assert.equal(cancel.body.state, 'CANCELLING');
  const killed = await stack.waitForState(res.body.id, 'KILLED');
  assert.ok(Date.now() - started < 2 * 300 + 1500, `took ${Date.now() - started} ms`);
  assert.equal(killed.killReason, 'cancelled');
  assert.equal(killed.cancel!.by, 'admin');
  assert.equal(emu.isProcessAlive(running.application!.id), false);
});

test('cancel after success answers 200 and the job stays SUCCEEDED', async () => {
  const res = await stack.submit(shellJob('ra', 'true'));
  await stack.waitForState(res.body.id, 'SUCCEEDED');
  const cancel = await stack.request('POST', `/v1/jobs/${res.body.id}/cancel`);
  assert.equal(cancel.status, 200);
  assert.equal(cancel.body.state, 'SUCCEEDED');
  assert.equal(cancel.body.cancel, null);
  assert.equal((await stack.request('GET', `/v1/jobs/${res.body.id}`)).body.state, 'SUCCEEDED');
});

test('timeoutSeconds 2 on sleep 60: KILLED with reason timeout, process gone', async () => {
  const res = await stack.submit(shellJob('ra', 'sleep 60', { timeoutSeconds: 2 }));
  const job = await stack.waitForState(res.body.id, 'KILLED', 15_000);
  assert.equal(job.killReason, 'timeout');
  assert.equal(job.error!.code, 'TIMEOUT');
  assert.equal(stack.emulators.get('ra')!.isProcessAlive(job.application!.id), false);
});

test('cancel while queued (worker stopped): KILLED and the emulator never saw the job', async () => {
  await stack.stopWorker('rb');
  try {
    const emu = stack.emulators.get('rb')!;
    emu.resetRequestCount();
    const res = await stack.submit(shellJob('rb', 'echo never'));
    assert.equal(res.status, 202);
    const cancel = await stack.request('POST', `/v1/jobs/${res.body.id}/cancel`);
    assert.equal(cancel.status, 200);
    assert.equal(cancel.body.state, 'KILLED');
    assert.equal(cancel.body.killReason, 'cancelled');
    await stack.startWorker('rb');
    // Give the restarted worker time to (wrongly) pick the job up, then check it never did.
    const probe = await stack.submit(shellJob('rb', 'true'));
    await stack.waitForState(probe.body.id, 'SUCCEEDED');
    assert.equal((await stack.request('GET', `/v1/jobs/${res.body.id}`)).body.state, 'KILLED');
    assert.equal(emu.requestCount({ method: 'POST', path: '/ws/v1/cluster/apps/new-application' }), 1, 'only the probe job asked for an application');
  } finally {
    if (!stack.workers.has('rb')) await stack.startWorker('rb');
  }
});

test("two regions: with region A's worker stopped, region B's jobs still run to the end", async () => {
  await stack.stopWorker('ra');
  try {
    const a = await stack.submit(shellJob('ra', 'true'));
    const b = await stack.submit(shellJob('rb', 'echo b'));
    await stack.waitForState(b.body.id, 'SUCCEEDED');
    assert.equal((await stack.request('GET', `/v1/jobs/${a.body.id}`)).body.state, 'QUEUED');
    await stack.startWorker('ra');
    await stack.waitForState(a.body.id, 'SUCCEEDED');
  } finally {
    if (!stack.workers.has('ra')) await stack.startWorker('ra');
  }
});

test('same Idempotency-Key and body twice, with workers running: one job, one application', async () => {
  const spec = shellJob('ra', 'echo idempotent', { labels: { dag: 'idem' } });
  const first = await stack.submit(spec, { idempotencyKey: 'run-once-e2e' });
  const second = await stack.submit(spec, { idempotencyKey: 'run-once-e2e' });
  assert.deepEqual([first.status, second.status], [202, 200]);
  assert.equal(second.body.id, first.body.id);
  const job = await stack.waitForState(first.body.id, 'SUCCEEDED');
  const third = await stack.submit(spec, { idempotencyKey: 'run-once-e2e' });
  assert.equal(third.status, 200);
  assert.equal(third.body.state, 'SUCCEEDED');
  const emu = stack.emulators.get('ra')!;
  const tagged = await fetch(`${emu.url}/ws/v1/cluster/apps?applicationTags=sluice-job-${first.body.id.toLowerCase()}`).then((r) => r.json()) as { apps: { app: { id: string }[] } | null };
  assert.deepEqual(tagged.apps?.app.map((a) => a.id), [job.application!.id]);
});
