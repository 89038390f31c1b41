// Retention with a controllable clock, not by waiting: a finished job is kept for the retention
// period, then its record, index entry, event stream and idempotency key go together; a key whose
// job is gone never answers 200; staged files are owner-only and gone when the job ends.

import assert from 'node:assert/strict';
import { statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ulid } from 'ulid';
import { Sweeper } from '../../src/housekeeping/sweeper.ts';
import { parseJobSpec } from '../../src/jobs/index.ts';
import { loadRegions } from '../../src/regions/index.ts';
import { regionContext, type TestRegionContext } from '../support/region-context.ts';
import { shellJob, Stack } from '../support/stack.ts';
import { waitFor } from '../support/wait-for.ts';

const DAY = 24 * 3600 * 1000;
let stack: Stack;
let ctx: TestRegionContext;
let clock = Date.now();

before(async () => {
  stack = await Stack.start({ regions: ['ra'] });
  ctx = regionContext(stack, 'ra', { now: () => clock, retentionSeconds: 30 * 24 * 3600 });
});
after(async () => {
  await ctx?.close();
  await stack?.close();
});

test('a finished job is kept 30 days, then its record, index entry, events and idempotency key go together', async () => {
  const parsed = parseJobSpec(shellJob('ra', 'true'));
  assert.ok(parsed.ok);
  const id = `job_${ulid()}`;
  const idem = { key: `retention-${id}`, bodyHash: 'h1' };
  await ctx.store.create({ id, spec: parsed.spec, principal: 'admin', timeoutSeconds: 60, idempotency: idem });
  for (const s of ['PREFLIGHT', 'SUBMITTING', 'FAILED'] as const) await ctx.store.transition(id, s);
  const keys = [ctx.store.keys.job(id), ctx.store.keys.jobEvents(id), ctx.store.keys.idempotency('admin', idem.key)];
  const sweeper = new Sweeper(ctx, { retentionMs: 30 * DAY, now: () => clock });

  clock += 29 * DAY;
  assert.equal((await sweeper.pass()).deletedJobs, 0);
  assert.equal(await stack.redis.exists(...keys), 3, 'kept within the retention period');

  clock += 2 * DAY;
  assert.equal((await sweeper.pass()).deletedJobs, 1);
  assert.equal(await stack.redis.exists(...keys), 0, 'record, events and idempotency key are gone');
  assert.equal(await stack.redis.zscore(ctx.store.keys.jobIndex, id), null, 'and its index entry');
  assert.equal((await stack.request('GET', `/v1/jobs/${id}`)).status, 404);
});

test('an Idempotency-Key that outlived its job never answers 200 for it: the submission is new', async () => {
  const body = shellJob('ra', 'true');
  const first = await stack.submit(body, { idempotencyKey: 'outlived-key' });
  assert.equal(first.status, 202);
  await stack.waitForState(first.body.id, 'SUCCEEDED');
  // The record goes (as retention would delete it) while the key stays.
  await stack.redis.del(ctx.store.keys.job(first.body.id));
  const again = await stack.submit(body, { idempotencyKey: 'outlived-key' });
  assert.equal(again.status, 202, JSON.stringify(again.body));
  assert.notEqual(again.body.id, first.body.id);
  await stack.waitForState(again.body.id, 'SUCCEEDED');
});

test('the staged launch script is owner-only while the job runs and deleted when it ends', async () => {
  const stagingDir = join(loadRegions(stack.regionsDir).get('ra')!.staging.dirPath, stack.ns);
  const res = await stack.submit(shellJob('ra', 'sleep 2', { env: { API_KEY: 'not-for-others' } }));
  assert.equal(res.status, 202);
  const launch = join(stagingDir, res.body.id, 'launch.sh');
  await waitFor(() => existsSync(launch), { what: 'the staged launch script' });
  assert.equal(statSync(launch).mode & 0o777, 0o600);
  assert.equal(statSync(join(stagingDir, res.body.id)).mode & 0o777, 0o700);
  await stack.waitForState(res.body.id, 'SUCCEEDED');
  await waitFor(() => !existsSync(join(stagingDir, res.body.id)), { what: 'the job staging folder removed' });
});

test('the sweeper removes staged files a crash left behind, and only those of ended or unknown jobs', async () => {
  const live = await stack.submit(shellJob('ra', 'sleep 3'));
  await stack.waitForState(live.body.id, 'RUNNING');
  const leftover = `job_${ulid()}`;
  await ctx.staging.stage(leftover, 'launch.sh', 'echo left behind');
  const report = await new Sweeper(ctx, { retentionMs: 30 * DAY, now: () => clock }).pass();
  assert.equal(report.stagingRemoved, 1);
  assert.deepEqual(await ctx.staging.list(), [live.body.id]);
  await stack.waitForState(live.body.id, 'SUCCEEDED');
});
