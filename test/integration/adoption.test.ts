// The migration view counts a known mix exactly: jobs that ran on Sluice by terminal state,
// shadowed jobs by whether they would have run, submissions refused by the rollout — per region,
// team and DAG — from counters kept as jobs end, not from the job records.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ADMIN_TOKEN, shellJob, Stack } from '../support/stack.ts';

const RA_ONLY = 'ra-only-token-0123456789';
let stack: Stack;

before(async () => {
  stack = await Stack.start({
    regions: ['ra', 'rb'],
    tokens: [
      { token: ADMIN_TOKEN, principal: 'admin', regions: ['*'], admin: true },
      { token: RA_ONLY, principal: 'ra-team', regions: ['ra'], admin: false },
    ],
  });
  await submitTheMix();
});

after(() => stack?.close());

const job = (region: string, script: string, labels: Record<string, string>, extra: Record<string, unknown> = {}) => shellJob(region, script, { labels, ...extra });
const search = { team: 'search', dag: 'idx' };
const ads = { team: 'ads', dag: 'rep' };
const web = { team: 'web', dag: 'site' };

async function setRollout(region: string, body: Record<string, unknown>) {
  const res = await stack.request('PUT', `/v1/regions/${region}/rollout`, { body: { reason: 'test mix', ...body } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

async function runToEnd(spec: Record<string, unknown>, state: string, opts: { idempotencyKey?: string } = {}) {
  const res = await stack.submit(spec, opts);
  assert.equal(res.status, 202, JSON.stringify(res.body));
  await stack.waitForState(res.body.id, state);
  return res.body.id as string;
}

async function refused(spec: Record<string, unknown>, code: string) {
  const res = await stack.submit(spec);
  assert.equal(res.status, 409, JSON.stringify(res.body));
  assert.equal(res.body.error.code, code);
}

async function submitTheMix(): Promise<void> {
  // ra on: search 2 succeeded + 1 failed (and its idempotent retry, which must not count twice),
  // ads 1 killed, one job without labels.
  await runToEnd(job('ra', 'true', { ...search, task: 'a' }), 'SUCCEEDED', { idempotencyKey: 'mix-1' });
  assert.equal((await stack.submit(job('ra', 'true', { ...search, task: 'a' }), { idempotencyKey: 'mix-1' })).status, 200);
  await runToEnd(job('ra', 'true', { ...search, task: 'b' }), 'SUCCEEDED');
  await runToEnd(job('ra', 'exit 3', { ...search, task: 'c' }), 'FAILED');
  const long = await stack.submit(job('ra', 'sleep 30', { ...ads, task: 'k' }));
  await stack.waitForState(long.body.id, 'RUNNING');
  await stack.request('POST', `/v1/jobs/${long.body.id}/cancel`);
  await stack.waitForState(long.body.id, 'KILLED');
  await runToEnd(shellJob('ra', 'true'), 'SUCCEEDED');
  // A spec error is neither a run nor a refusal by the rollout.
  assert.equal((await stack.submit(job('ra', 'true', search, { resources: { memoryMb: 999_999 } }))).status, 400);

  // ra canary for search only: web is refused, search runs.
  await setRollout('ra', { mode: 'canary', canary: { teams: ['search'] } });
  await refused(job('ra', 'true', { ...web, task: 'x' }), 'NOT_IN_ROLLOUT');
  await runToEnd(job('ra', 'true', { ...search, task: 'd' }), 'SUCCEEDED');

  // rb shadow: ads 2 would run, 1 would not (over the memory limit).
  await setRollout('rb', { mode: 'shadow' });
  for (const task of ['s1', 's2']) assert.equal((await stack.submit(job('rb', 'true', { ...ads, task }))).body.shadow.wouldRun, true);
  assert.equal((await stack.submit(job('rb', 'true', { ...ads, task: 's3' }, { resources: { memoryMb: 999_999 } }))).body.shadow.wouldRun, false);

  // rb off: web refused twice.
  await setRollout('rb', { mode: 'off' });
  await refused(job('rb', 'true', { ...web, task: 'y' }), 'REGION_DISABLED');
  await refused(job('rb', 'true', { ...web, task: 'z' }), 'REGION_DISABLED');
}

const counts = (s: [number, number, number], shadow: [number, number], refused: [number, number]) => {
  const total = s[0] + s[1] + s[2];
  return {
    sluice: { SUCCEEDED: s[0], FAILED: s[1], KILLED: s[2], total },
    successRate: total ? s[0] / total : null,
    shadowed: { total: shadow[0] + shadow[1], wouldRun: shadow[0], wouldNotRun: shadow[1] },
    refused: { NOT_IN_ROLLOUT: refused[0], REGION_DISABLED: refused[1], total: refused[0] + refused[1] },
  };
};
const TOTALS = counts([4, 1, 1], [2, 1], [1, 2]);

async function adoption(query: string, token = ADMIN_TOKEN) {
  const res = await stack.request('GET', `/v1/analytics/adoption?${query}`, { token });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

test('by team', async () => {
  const report = await adoption('by=team');
  assert.deepEqual(report.groups, [
    { key: '(none)', ...counts([1, 0, 0], [0, 0], [0, 0]) },
    { key: 'ads', ...counts([0, 0, 1], [2, 1], [0, 0]) },
    { key: 'search', ...counts([3, 1, 0], [0, 0], [0, 0]) },
    { key: 'web', ...counts([0, 0, 0], [0, 0], [1, 2]) },
  ]);
  assert.deepEqual(report.totals, TOTALS);
  const today = new Date().toISOString().slice(0, 10);
  assert.equal(report.until, today);
});

test('by region and by DAG', async () => {
  assert.deepEqual((await adoption('by=region')).groups, [
    { key: 'ra', ...counts([4, 1, 1], [0, 0], [1, 0]) },
    { key: 'rb', ...counts([0, 0, 0], [2, 1], [0, 2]) },
  ]);
  const byDag = await adoption('by=dag');
  assert.deepEqual(byDag.groups.map((g: { key: string }) => g.key), ['(none)', 'idx', 'rep', 'site']);
  assert.deepEqual(byDag.groups[1], { key: 'idx', ...counts([3, 1, 0], [0, 0], [0, 0]) });
  assert.deepEqual(byDag.totals, TOTALS);
  assert.deepEqual((await adoption('by=team&region=rb')).totals, counts([0, 0, 0], [2, 1], [0, 2]));
});

test('a token sees only its regions; since filters by day; bad input names the field', async () => {
  assert.deepEqual((await adoption('by=region', RA_ONLY)).groups.map((g: { key: string }) => g.key), ['ra']);
  const forbidden = await stack.request('GET', '/v1/analytics/adoption?region=rb', { token: RA_ONLY });
  assert.equal(forbidden.status, 403);

  assert.deepEqual((await adoption(`by=team&since=${new Date().toISOString()}`)).totals, TOTALS);
  assert.deepEqual((await adoption(`by=team&since=${new Date().toISOString().slice(0, 10)}`)).totals, TOTALS);

  const tomorrow = new Date(Date.now() + 24 * 3600 * 1000).toISOString().slice(0, 10);
  // Junk, an impossible day, a time without its offset (read in which zone?), a day to come: 400 naming since.
  for (const since of ['yesterday', '2026-11-20junk', '2024-02-30', '2026-11-20T05:00', tomorrow]) {
    const bad = await stack.request('GET', `/v1/analytics/adoption?by=team&since=${since}`);
    assert.equal(bad.status, 400, `${since}: ${JSON.stringify(bad.body)}`);
    assert.deepEqual(bad.body.error.issues.map((i: { path: string[] }) => i.path.join('.')), ['query.since'], since);
  }
  const badBy = await stack.request('GET', '/v1/analytics/adoption?by=owner');
  assert.deepEqual(badBy.body.error.issues.map((i: { path: string[] }) => i.path.join('.')), ['query.by']);
});

test('the view comes from the counters, not from the job records', async () => {
  const before = await adoption('by=team');
  // Retention deletes records; the migration view must not lose what they counted.
  const jobKeys = await stack.redis.keys(`${stack.ns}:job:*`);
  assert.ok(jobKeys.length >= 9);
  await stack.redis.del(...jobKeys, `${stack.ns}:jobs`);
  assert.deepEqual(await adoption('by=team'), before);
});
