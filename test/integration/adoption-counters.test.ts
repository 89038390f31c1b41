// The migration view's counters with a controllable clock: each end counts on the UTC day it
// happened, `since` leaves earlier days out, and what never ran on Sluice (ENQUEUE_FAILED) is not
// counted; a job killed while QUEUED, or ended by any writer, counts once.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { ulid } from 'ulid';
import { jobError, parseJobSpec } from '../../src/jobs/index.ts';
import { AdoptionStore, JobStore, keysFor } from '../../src/store/index.ts';
import { redisUrl } from '../support/stack.ts';

let redis: Redis;
let clock = Date.parse('2026-11-30T23:59:00Z');
let store: JobStore;
let adoption: AdoptionStore;

before(() => {
  redis = new Redis(redisUrl());
  const keys = keysFor(`t${randomBytes(4).toString('hex')}`);
  store = new JobStore(redis, keys, { idempotencyTtlSeconds: 60, eventsMaxLength: 1000, retentionSeconds: 3600, now: () => clock });
  adoption = new AdoptionStore(redis, keys, () => clock);
});
after(() => redis?.disconnect());

async function job(team: string): Promise<string> {
  const parsed = parseJobSpec({ region: 'ra', name: 'n', kind: 'shell', script: 'true', labels: { team, dag: 'd' } });
  assert.ok(parsed.ok);
  const id = `job_${ulid()}`;
  await store.create({ id, spec: parsed.spec, principal: 'p', timeoutSeconds: 60, idempotency: null });
  return id;
}

async function run(id: string, end: 'SUCCEEDED' | 'FAILED' | 'KILLED'): Promise<void> {
  for (const s of ['PREFLIGHT', 'SUBMITTING', 'RUNNING', end] as const) await store.transition(id, s);
}

test('ends count on their own UTC day; since leaves earlier days out; ENQUEUE_FAILED is not counted', async () => {
  // Nov 30, a minute before midnight UTC.
  await run(await job('a'), 'SUCCEEDED');
  await adoption.countRefusal('ra', { team: 'b' }, 'NOT_IN_ROLLOUT');
  const neverQueued = await job('a');
  await store.transition(neverQueued, 'FAILED', { error: jobError('ENQUEUE_FAILED', 'Redis went away') }, ['QUEUED']);

  clock += 2 * 60 * 1000; // Dec 1
  await run(await job('a'), 'FAILED');
  const cancelledWhileQueued = await job('a');
  await store.transition(cancelledWhileQueued, 'CANCELLING');
  await store.transition(cancelledWhileQueued, 'KILLED', { killReason: 'cancelled' });
  // A second terminal write changes nothing and counts nothing.
  assert.equal((await store.transition(cancelledWhileQueued, 'FAILED')).outcome, 'terminal');

  const all = await adoption.report({ regions: ['ra'], by: 'team', sinceDay: '2026-11-30' });
  assert.equal(all.until, '2026-12-01');
  const a = all.groups.find((g) => g.key === 'a')!;
  assert.deepEqual(a.sluice, { SUCCEEDED: 1, FAILED: 1, KILLED: 1, total: 3 }, 'the ENQUEUE_FAILED job is not among them');
  assert.equal(all.groups.find((g) => g.key === 'b')!.refused.NOT_IN_ROLLOUT, 1);

  const dec1 = await adoption.report({ regions: ['ra'], by: 'team', sinceDay: '2026-12-01' });
  assert.deepEqual(dec1.groups.map((g) => g.key), ['a'], "Nov 30's refusal is before since");
  assert.deepEqual(dec1.groups[0]!.sluice, { SUCCEEDED: 0, FAILED: 1, KILLED: 1, total: 2 });
  assert.equal(dec1.groups[0]!.successRate, 0);
});

test('the counters of a day expire long after the job records (a migration takes months)', async () => {
  const day = new Date(clock).toISOString().slice(0, 10);
  const ttl = await redis.ttl(store.keys.adoption('ra', day));
  assert.ok(ttl > 300 * 24 * 3600, `ttl ${ttl}`);
});
