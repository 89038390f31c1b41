// Less travelled paths: cancel mid-submission, a submission YARN refuses, the all-jobs event
// stream, a region whose ResourceManager is away.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { readSse } from '../support/sse.ts';
import { ADMIN_TOKEN, shellJob, Stack } from '../support/stack.ts';
import { waitFor } from '../support/wait-for.ts';

let stack: Stack;
before(async () => { stack = await Stack.start({ regions: ['ra', 'rb'] }); });
after(async () => { await stack?.close(); });

const SUBMIT = { method: 'POST', path: '/ws/v1/cluster/apps' };

test('cancel while SUBMITTING: KILLED, and the application submitted meanwhile is killed too', async () => {
  const emu = stack.emulators.get('ra')!;
  emu.setLatency(1500, SUBMIT);
  try {
    const res = await stack.submit(shellJob('ra', 'sleep 60'));
    await stack.waitForState(res.body.id, 'SUBMITTING');
    const cancel = await stack.request('POST', `/v1/jobs/${res.body.id}/cancel`);
    assert.equal(cancel.status, 202);
    const job = await stack.waitForState(res.body.id, 'KILLED', 15_000);
    assert.equal(job.killReason, 'cancelled');
    const appId = await stack.redis.hget(`${stack.ns}:job:${res.body.id}`, 'applicationId');
    assert.ok(appId);
    const app = emu.application(appId);
    // Either YARN never started it, or it was killed: nothing of the job runs on.
    assert.ok(!app || ['KILLED', 'FINISHED', 'FAILED'].includes(app.state), JSON.stringify(app));
    assert.equal(emu.isProcessAlive(appId), false);
  } finally {
    emu.setLatency(0, SUBMIT);
  }
});

test('a submission YARN refuses (4xx) ends FAILED at once, naming region and step', async () => {
  const emu = stack.emulators.get('rb')!;
  emu.injectFailure({ method: 'POST', pathPrefix: '/ws/v1/cluster/apps', status: 400, times: 1, body: JSON.stringify({ RemoteException: { exception: 'BadRequestException', message: 'java.lang.Exception: bad tags', javaClassName: 'x' } }) });
  const res = await stack.submit(shellJob('rb', 'true'));
  const job = await stack.waitForState(res.body.id, 'FAILED');
  assert.equal(job.error!.code, 'SUBMIT_FAILED');
  assert.match(job.error!.message, /region rb/);
  assert.match(job.error!.message, /bad tags/);
});

test('a 5xx from YARN is retried and the job still succeeds', async () => {
  const emu = stack.emulators.get('rb')!;
  emu.injectFailure({ method: 'POST', pathPrefix: '/ws/v1/cluster/apps', status: 503, times: 1, body: 'overloaded' });
  const res = await stack.submit(shellJob('rb', 'true'));
  await stack.waitForState(res.body.id, 'SUCCEEDED', 20_000);
});

test('GET /v1/events streams every job of a region, and only that region', async () => {
  // Resume after the newest event so far (Last-Event-ID) rather than wait for the stream to attach:
  // every event of the jobs submitted next comes after it, however late the server starts reading.
  const [newest] = await stack.redis.xrevrange(`${stack.ns}:events`, '+', '-', 'COUNT', 1);
  const seen = readSse(`${stack.api}/v1/events?region=ra`, {
    token: ADMIN_TOKEN,
    lastEventId: newest?.[0] ?? '0-0',
    stop: (e) => e.data.region === 'ra' && e.data.to === 'SUCCEEDED',
  });
  const b = await stack.submit(shellJob('rb', 'true'));
  const a = await stack.submit(shellJob('ra', 'true'));
  const events = await seen;
  assert.ok(events.every((e) => e.data.region === 'ra'));
  assert.deepEqual(events.filter((e) => e.data.jobId === a.body.id).map((e) => e.data.to), ['QUEUED', 'PREFLIGHT', 'SUBMITTING', 'ACCEPTED', 'RUNNING', 'SUCCEEDED']);
  assert.ok(!events.some((e) => e.data.jobId === b.body.id));
});

test('a region whose ResourceManager fails shows degraded, keeps its jobs, and recovers', async () => {
  const emu = stack.emulators.get('ra')!;
  const res = await stack.submit(shellJob('ra', 'sleep 3'));
  await stack.waitForState(res.body.id, 'RUNNING');
  emu.injectFailure({ method: 'GET', pathPrefix: '/ws/v1/cluster', status: 500, times: 10_000, body: 'down' });
  const health = async () => (await stack.request('GET', '/v1/regions')).body.regions.find((r: { name: string }) => r.name === 'ra').health;
  const degraded = await waitFor(async () => { const h = await health(); return h.status === 'degraded' && h; }, { what: 'region ra degraded', timeoutMs: 10_000 });
  assert.equal(degraded.tracking.ok, false);
  assert.match(degraded.tracking.message, /region ra/);
  assert.equal((await stack.request('GET', `/v1/jobs/${res.body.id}`)).body.state, 'RUNNING');
  emu.clearFailures();
  await stack.waitForState(res.body.id, 'SUCCEEDED', 15_000);
  assert.equal((await health()).status, 'ok');
});
