// The HTTP contract: bad input gets its status and a code naming the field, and nothing already
// queued changes; tokens and regions; idempotency, also after BullMQ trimmed its copy.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Queue } from 'bullmq';
import { z } from 'zod';
import { jobView } from '../../src/jobs/index.ts';
import { queuePrefix, submitQueueName } from '../../src/queue/queue-names.ts';
import { ADMIN_TOKEN, shellJob, Stack, type Response } from '../support/stack.ts';

const RA_ONLY = 'token-for-region-ra-only';
let stack: Stack;
before(async () => {
  stack = await Stack.start({
    regions: ['ra', 'rb'],
    tokens: [
      { token: ADMIN_TOKEN, principal: 'admin', regions: ['*'], admin: true },
      { token: RA_ONLY, principal: 'team-a', regions: ['ra'], admin: false },
    ],
    // No workers: queue counts must stay exactly as they are.
    startWorkers: false,
  });
});
after(async () => { await stack?.close(); });

const badSpecs: { what: string; send: () => Promise<Response>; status: number; code: string; field?: string }[] = [
  { what: 'missing region', send: () => stack.submit({ name: 'x', kind: 'shell', script: 'true' }), status: 400, code: 'INVALID_JOB_SPEC', field: 'region' },
  { what: 'unknown region', send: () => stack.submit(shellJob('nowhere', 'true')), status: 400, code: 'UNKNOWN_REGION', field: 'region' },
  { what: 'unknown field', send: () => stack.submit(shellJob('ra', 'true', { colour: 'blue' })), status: 400, code: 'INVALID_JOB_SPEC', field: '' },
  { what: 'memory above the region limit', send: () => stack.submit(shellJob('ra', 'true', { resources: { memoryMb: 999999 } })), status: 400, code: 'INVALID_JOB_SPEC', field: 'resources.memoryMb' },
  { what: 'an env name with =', send: () => stack.submit(shellJob('ra', 'true', { env: { 'A=B': 'x' } })), status: 400, code: 'INVALID_JOB_SPEC', field: 'env.A=B' },
  { what: 'a 2 MB script', send: () => stack.submit(shellJob('ra', `#${'x'.repeat(2 * 1024 * 1024)}`)), status: 400, code: 'INVALID_JOB_SPEC', field: 'script' },
  { what: 'an unknown kind', send: () => stack.submit({ region: 'ra', name: 'x', kind: 'hive', script: 'true' }), status: 400, code: 'INVALID_JOB_SPEC', field: 'kind' },
  { what: 'an unknown required check', send: () => stack.submit(shellJob('ra', 'true', { requires: ['sts'] })), status: 400, code: 'INVALID_JOB_SPEC', field: 'requires.0' },
  { what: 'a non-JSON body', send: () => stack.request('POST', '/v1/jobs', { raw: '{"region": "ra",' }), status: 400, code: 'INVALID_JSON' },
  { what: 'a body over the limit', send: () => stack.request('POST', '/v1/jobs', { raw: JSON.stringify(shellJob('ra', 'x'.repeat(5 * 1024 * 1024))) }), status: 413, code: 'BODY_TOO_LARGE' },
  { what: 'no token', send: () => stack.request('POST', '/v1/jobs', { body: shellJob('ra', 'true'), token: null }), status: 401, code: 'UNAUTHENTICATED' },
  { what: 'an unknown token', send: () => stack.request('POST', '/v1/jobs', { body: shellJob('ra', 'true'), token: 'not-a-real-token' }), status: 401, code: 'UNAUTHENTICATED' },
  { what: 'a token without that region', send: () => stack.submit(shellJob('rb', 'true'), { token: RA_ONLY }), status: 403, code: 'FORBIDDEN_REGION', field: 'region' },
  { what: 'a bad Idempotency-Key', send: () => stack.submit(shellJob('ra', 'true'), { idempotencyKey: 'has space' }), status: 400, code: 'INVALID_REQUEST', field: 'headers.idempotency-key' },
];

for (const bad of badSpecs) {
  test(`${bad.what} → ${bad.status} ${bad.code}, queues unchanged`, async () => {
    const before = await stack.queueCounts();
    const res = await bad.send();
    assert.equal(res.status, bad.status, JSON.stringify(res.body).slice(0, 500));
    assert.equal(res.body.error.code, bad.code);
    assert.ok(res.body.error.message.length > 0);
    if (bad.field !== undefined) {
      const paths = (res.body.error.issues ?? []).map((i: { path: unknown[] }) => i.path.join('.'));
      assert.ok(paths.includes(bad.field), `issues ${JSON.stringify(res.body.error.issues)} name ${bad.field}`);
    }
    if (bad.what === 'unknown field') assert.match(res.body.error.message, /colour/);
    assert.deepEqual(await stack.queueCounts(), before);
  });
}

test('one request with several bad fields gets one issue per field', async () => {
  const res = await stack.submit(shellJob('ra', 'true', { resources: { memoryMb: 999999, vcores: 99 }, timeoutSeconds: 0 }));
  assert.equal(res.status, 400);
  const paths = res.body.error.issues.map((i: { path: unknown[] }) => i.path.join('.')).sort();
  assert.deepEqual(paths, ['timeoutSeconds']); // schema errors first; limits once the schema passes
  const res2 = await stack.submit(shellJob('ra', 'true', { resources: { memoryMb: 999999, vcores: 99 } }));
  assert.deepEqual(res2.body.error.issues.map((i: { path: unknown[] }) => i.path.join('.')).sort(), ['resources.memoryMb', 'resources.vcores']);
});

test('same Idempotency-Key and body: one job (202 then 200); other body: 409', async () => {
  const spec = shellJob('ra', 'echo once', { labels: { team: 'search' } });
  const first = await stack.submit(spec, { idempotencyKey: 'dag-run-1' });
  assert.equal(first.status, 202);
  const again = await stack.submit({ ...spec }, { idempotencyKey: 'dag-run-1' });
  assert.equal(again.status, 200);
  assert.equal(again.body.id, first.body.id);
  const other = await stack.submit({ ...spec, script: 'echo twice' }, { idempotencyKey: 'dag-run-1' });
  assert.equal(other.status, 409);
  assert.equal(other.body.error.code, 'IDEMPOTENCY_CONFLICT');
  const counts = (await stack.queueCounts()) as Record<string, { waiting: number }>;
  const list = await stack.request('GET', '/v1/jobs?region=ra&label=team:search');
  assert.equal(list.body.jobs.filter((j: { id: string }) => j.id === first.body.id).length, 1);
  assert.ok(counts.ra!.waiting >= 1);
});

test('idempotency still holds after BullMQ has trimmed its copy of the job', async () => {
  const spec = shellJob('ra', 'echo trimmed');
  const first = await stack.submit(spec, { idempotencyKey: 'dag-run-trim' });
  const queue = new Queue(submitQueueName('ra'), { connection: stack.redis, prefix: queuePrefix(stack.ns, 'ra') });
  await (await queue.getJob(first.body.id))!.remove();
  await queue.close();
  const again = await stack.submit(spec, { idempotencyKey: 'dag-run-trim' });
  assert.equal(again.status, 200);
  assert.equal(again.body.id, first.body.id);
  assert.equal((await stack.submit({ ...spec, name: 'other' }, { idempotencyKey: 'dag-run-trim' })).status, 409);
});

test('the same key from two principals are two jobs', async () => {
  const a = await stack.submit(shellJob('ra', 'true'), { idempotencyKey: 'shared-key' });
  const b = await stack.submit(shellJob('ra', 'true'), { idempotencyKey: 'shared-key', token: RA_ONLY });
  assert.equal(a.status, 202);
  assert.equal(b.status, 202);
  assert.notEqual(a.body.id, b.body.id);
});

test("a principal can't see jobs of regions it may not use", async () => {
  const job = await stack.submit(shellJob('rb', 'true'));
  const res = await stack.request('GET', `/v1/jobs/${job.body.id}`, { token: RA_ONLY });
  assert.equal(res.status, 404);
  assert.equal(res.body.error.code, 'JOB_NOT_FOUND');
  const list = await stack.request('GET', '/v1/jobs', { token: RA_ONLY });
  assert.ok(list.body.jobs.every((j: { region: string }) => j.region === 'ra'));
});

test('listing pages with a cursor, newest first, and filters by state', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await stack.submit(shellJob('rb', 'true', { labels: { batch: 'paging' } }))).body.id);
  const page1 = await stack.request('GET', '/v1/jobs?label=batch:paging&limit=3');
  assert.deepEqual(page1.body.jobs.map((j: { id: string }) => j.id), ids.slice(-3).reverse());
  const page2 = await stack.request('GET', `/v1/jobs?label=batch:paging&limit=3&cursor=${page1.body.nextCursor}`);
  assert.deepEqual(page2.body.jobs.map((j: { id: string }) => j.id), ids.slice(0, 2).reverse());
  assert.equal(page2.body.nextCursor, null);
  const bad = await stack.request('GET', '/v1/jobs?state=DONE');
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.body.error.issues[0].path, ['query', 'state']);
});

test('unknown job → 404 JOB_NOT_FOUND; health routes need no token; /openapi.json describes the spec', async () => {
  const missing = await stack.request('GET', '/v1/jobs/job_01ARZ3NDEKTSV4RRFFQ69G5FAV');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.code, 'JOB_NOT_FOUND');
  assert.equal((await stack.request('GET', '/healthz', { token: null })).status, 200);
  assert.equal((await stack.request('GET', '/readyz', { token: null })).status, 200);
  const doc = await stack.request('GET', '/openapi.json', { token: null });
  assert.equal(doc.status, 200);
  assert.equal(doc.body.openapi, '3.1.0');
  assert.ok(doc.body.components.schemas.JobSpec);
  assert.ok(doc.body.paths['/v1/jobs'].post);
  assert.ok(doc.body.paths['/v1/jobs/{id}/logs'].get); // test/unit/openapi.test.ts: every route
});

test('a query that fails its route schema → 400 INVALID_REQUEST with one issue per parameter', async () => {
  const res = await stack.request('GET', '/v1/jobs?limit=0&state=DONE&colour=blue');
  assert.equal(res.status, 400);
  assert.equal(res.body.error.code, 'INVALID_REQUEST');
  const paths = res.body.error.issues.map((i: { path: unknown[] }) => i.path.join('.')).sort();
  assert.deepEqual(paths, ['query', 'query.limit', 'query.state']); // the unknown key is named in the message
  assert.match(res.body.error.issues.find((i: { path: unknown[] }) => i.path.length === 1).message, /colour/);
});

test('a job answers exactly the documented Job shape: no field stripped, none undocumented', async () => {
  const submitted = await stack.submit(shellJob('ra', 'true'));
  const read = await stack.request('GET', `/v1/jobs/${submitted.body.id}`);
  const list = await stack.request('GET', '/v1/jobs?region=ra&limit=1');
  for (const job of [submitted.body, read.body, list.body.jobs[0]]) z.strictObject(jobView.shape).parse(job);
});

test('GET /v1/regions shows rollout, health and queue counts', async () => {
  const res = await stack.request('GET', '/v1/regions');
  assert.equal(res.status, 200);
  const ra = res.body.regions.find((r: { name: string }) => r.name === 'ra');
  assert.deepEqual(ra.rollout, { mode: 'on', canary: { teams: [], dags: [], tasks: [], percent: 0 }, version: 0, source: 'file', updatedAt: null, updatedBy: null, reason: null });
  assert.equal(typeof ra.queue.waiting, 'number');
  assert.equal(typeof ra.trackedApplications, 'number');
  const onlyA = await stack.request('GET', '/v1/regions', { token: RA_ONLY });
  assert.deepEqual(onlyA.body.regions.map((r: { name: string }) => r.name), ['ra']);
});
