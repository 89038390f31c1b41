// Redis SIGKILLed under load, then restarted from its AOF: every API request meanwhile answers
// within 2 s (503 STORE_UNAVAILABLE with Retry-After where it needs Redis, /healthz 200, /readyz
// 503 naming Redis); a submit answered 503 never runs later; after the restart the jobs accepted
// before and after the outage all end, one application each, without restarting anything.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort } from '../../src/dev/local-redis.ts';
import { Children } from '../chaos/children.ts';
import { ChaosRedis } from '../chaos/redis-server.ts';
import { applicationsPerJobTag, jobTagOf, recordedStates } from '../support/job-audit.ts';
import { shellJob, Stack } from '../support/stack.ts';
import { waitFor } from '../support/wait-for.ts';

const OUTAGE_MS = 8000;
let scratch: string;
let children: Children;
let redis: ChaosRedis;
let stack: Stack;

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'sluice-outage-'));
  children = new Children(scratch);
  redis = new ChaosRedis(children, await freePort(), scratch);
  await redis.start();
  stack = await Stack.start({ regions: ['ra'], redisUrl: redis.url });
});
after(async () => {
  await stack?.close();
  await children?.stopAll();
  rmSync(scratch, { recursive: true, force: true });
});

test('Redis SIGKILLed for a while under load: bounded answers meanwhile, nothing accepted lost or doubled after', { timeout: 120_000 }, async () => {
  const accepted: string[] = [];
  const before = await Promise.all(Array.from({ length: 10 }, () => stack.submit(shellJob('ra', 'sleep 1; echo done'))));
  for (const r of before) {
    assert.equal(r.status, 202);
    accepted.push(r.body.id);
  }
  await redis.kill();
  const downAt = Date.now();

  // Requests of every kind while Redis is down, each timed.
  const slow: string[] = [];
  const refusedSubmits: string[] = [];
  const answers = new Map<string, Set<number>>();
  const timed = async (what: string, call: () => Promise<{ status: number; headers: Headers; body: any }>) => {
    const started = Date.now();
    const res = await call();
    const ms = Date.now() - started;
    if (ms > 2000) slow.push(`${what}: ${ms} ms`);
    answers.set(what, (answers.get(what) ?? new Set()).add(res.status));
    if (res.status === 503 && what !== '/readyz') {
      assert.equal(res.body.error.code, 'STORE_UNAVAILABLE', `${what}: ${JSON.stringify(res.body)}`);
      assert.ok(Number(res.headers.get('retry-after')) > 0, `${what}: Retry-After`);
    }
    return res;
  };
  let round = 0;
  while (Date.now() - downAt < OUTAGE_MS) {
    const key = `outage-${round++}`;
    const [submit] = await Promise.all([
      timed('POST /v1/jobs', () => stack.submit(shellJob('ra', 'echo should-not-run'), { idempotencyKey: key })),
      timed('GET /v1/jobs', () => stack.request('GET', '/v1/jobs?limit=5')),
      timed('GET /v1/jobs/{id}', () => stack.request('GET', `/v1/jobs/${accepted[0]}`)),
      timed('GET /v1/regions', () => stack.request('GET', '/v1/regions')),
      timed('POST /v1/jobs/{id}/cancel', () => stack.request('POST', `/v1/jobs/${accepted[0]}/cancel`)),
      timed('GET /v1/regions/{name}/rollout/decision', () => stack.request('GET', '/v1/regions/ra/rollout/decision?dag=d&task=t')),
      timed('PUT /v1/regions/{name}/rollout', () => stack.request('PUT', '/v1/regions/ra/rollout', { body: { mode: 'on', reason: 'during the outage' } })),
      timed('GET /v1/analytics/adoption', () => stack.request('GET', '/v1/analytics/adoption?by=team')),
      timed('/readyz', () => stack.request('GET', '/readyz', { token: null })),
      timed('/healthz', () => stack.request('GET', '/healthz', { token: null })),
    ]);
    if (submit.status === 503) refusedSubmits.push(key);
  }
  assert.deepEqual(slow, [], 'every request answered within 2 s');
  assert.deepEqual([...answers.get('/healthz')!], [200]);
  assert.deepEqual([...answers.get('/readyz')!], [503]);
  for (const what of ['POST /v1/jobs', 'GET /v1/jobs', 'GET /v1/jobs/{id}', 'GET /v1/regions', 'POST /v1/jobs/{id}/cancel',
    'GET /v1/regions/{name}/rollout/decision', 'PUT /v1/regions/{name}/rollout', 'GET /v1/analytics/adoption']) {
    assert.deepEqual([...answers.get(what)!], [503], what);
  }
  assert.ok(refusedSubmits.length > 0);
  const readyz = await stack.request('GET', '/readyz', { token: null });
  assert.match(JSON.stringify(readyz.body), /Redis/);

  await redis.start();
  // The API and the worker come back by themselves.
  await waitFor(async () => (await stack.request('GET', '/readyz', { token: null })).status === 200, { what: '/readyz 200 after the restart', timeoutMs: 20_000 });
  const after = await stack.submit(shellJob('ra', 'echo after'));
  assert.equal(after.status, 202, JSON.stringify(after.body));
  accepted.push(after.body.id);

  for (const id of accepted) {
    const job = await stack.waitForJob(id, (j) => ['SUCCEEDED', 'FAILED', 'KILLED'].includes(j.state), 60_000);
    assert.equal(job.state, 'SUCCEEDED', `${id}: ${JSON.stringify(job.error)}`);
  }
  // One application per job, each with exactly one terminal event.
  const perJob = await applicationsPerJobTag(stack.emulators.get('ra')!.url);
  for (const id of accepted) assert.equal(perJob.get(jobTagOf(id)), 1, `${id}: one application`);
  assert.equal(perJob.size, accepted.length, 'no application for a submit answered 503');
  for (const id of accepted) {
    const terminal = (await recordedStates(stack.redis, stack.ns, id)).filter((s) => ['SUCCEEDED', 'FAILED', 'KILLED'].includes(s));
    assert.equal(terminal.length, 1, `${id}: one terminal event`);
  }
  // A retry of a refused submit with its key is a new submission that runs once.
  const retried = await stack.submit(shellJob('ra', 'echo should-not-run'), { idempotencyKey: refusedSubmits[0] });
  assert.equal(retried.status, 202, JSON.stringify(retried.body));
});
