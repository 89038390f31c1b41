// The job state machine as the store enforces it: every (from, to) pair against JOB_TRANSITIONS,
// on a real Redis through the Lua script. A stale or racing writer can't move a job backwards or
// out of a terminal state; ACCEPTED and tracking are one step; a terminal move untracks.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { ulid } from 'ulid';
import { canTransition, JOB_STATES, JOB_TRANSITIONS, parseJobSpec, TERMINAL_STATES, type JobState } from '../../src/jobs/index.ts';
import { JobStore, keysFor } from '../../src/store/index.ts';
import { redisUrl } from '../support/stack.ts';

let redis: Redis;
let store: JobStore;
const spec = (() => {
  const parsed = parseJobSpec({ region: 'ra', name: 'sm', kind: 'shell', script: 'true' });
  assert.ok(parsed.ok);
  return parsed.spec;
})();

before(() => {
  redis = new Redis(redisUrl());
  store = new JobStore(redis, keysFor(`t${randomBytes(4).toString('hex')}`), { idempotencyTtlSeconds: 60, eventsMaxLength: 1000, retentionSeconds: 3600 });
});
after(() => redis.disconnect());

async function jobIn(state: JobState): Promise<string> {
  const id = `job_${ulid()}`;
  await store.create({ id, spec, principal: 'test', timeoutSeconds: 60, idempotency: null });
  // Put it in `state` directly: this test is about the next move, not the way there.
  await redis.hset(store.keys.job(id), 'state', state);
  return id;
}

test('every (from, to) pair: the store allows exactly the moves in JOB_TRANSITIONS', async () => {
  const wrong: string[] = [];
  for (const from of JOB_STATES) {
    for (const to of JOB_STATES) {
      const id = await jobIn(from);
      const events = await redis.xlen(store.keys.jobEvents(id));
      const result = await store.transition(id, to);
      const expected = TERMINAL_STATES.includes(from) ? 'terminal' : canTransition(from, to) ? 'ok' : 'conflict';
      const now = (await store.get(id))!.state;
      if (result.outcome !== expected) wrong.push(`${from} → ${to}: ${result.outcome}, expected ${expected}`);
      if (expected !== 'ok' && now !== from) wrong.push(`${from} → ${to}: refused but the state became ${now}`);
      const added = (await redis.xlen(store.keys.jobEvents(id))) - events;
      if (added !== (expected === 'ok' && from !== to ? 1 : 0)) wrong.push(`${from} → ${to}: ${added} events`);
    }
  }
  assert.deepEqual(wrong, []);
  // The table itself: no edge back to QUEUED, none out of a terminal state.
  for (const [from, tos] of Object.entries(JOB_TRANSITIONS)) {
    assert.ok(!tos.includes('QUEUED'), `${from} → QUEUED`);
    if (TERMINAL_STATES.includes(from as JobState)) assert.deepEqual(tos, []);
  }
});

test('a stale writer cannot move a RUNNING job back to ACCEPTED', async () => {
  const id = await jobIn('RUNNING');
  const stale = await store.transition(id, 'ACCEPTED', { application: { id: 'application_1_0001', state: 'ACCEPTED', finalStatus: 'UNDEFINED', trackingUrl: null, diagnostics: null } });
  assert.equal(stale.outcome, 'conflict');
  const job = (await store.get(id))!;
  assert.equal(job.state, 'RUNNING');
  assert.equal(job.application, null, 'the refused patch was not applied either');
});

test('ACCEPTED and tracked in one step; the terminal move untracks and records the finish for retention', async () => {
  const id = await jobIn('SUBMITTING');
  const accepted = await store.transition(id, 'ACCEPTED', { submittedAtMs: 1000 }, ['SUBMITTING'], { track: { applicationId: 'application_1_0042', submittedAtMs: 1000 } });
  assert.equal(accepted.outcome, 'ok');
  assert.deepEqual([...(await store.trackedApplications('ra')).entries()].filter(([, t]) => t.jobId === id), [['application_1_0042', { jobId: id, submittedAtMs: 1000 }]]);
  assert.equal((await store.get(id))!.applicationId, 'application_1_0042');

  // A refused move tracks nothing.
  const other = await jobIn('RUNNING');
  assert.equal((await store.transition(other, 'ACCEPTED', {}, undefined, { track: { applicationId: 'application_1_0043', submittedAtMs: 1 } })).outcome, 'conflict');
  assert.ok(!(await store.trackedApplications('ra')).has('application_1_0043'));

  assert.equal((await store.transition(id, 'SUCCEEDED')).outcome, 'ok');
  assert.ok(!(await store.trackedApplications('ra')).has('application_1_0042'));
  assert.notEqual(await redis.zscore(store.keys.finished('ra'), id), null);
  assert.ok((await redis.ttl(store.keys.jobEvents(id))) > 3000, 'its own stream expires with the retention period');
});

test('a job stays on the pending watch list until it is tracked on YARN or ends', async () => {
  const pending = async (id: string) => (await store.pendingBefore('ra', Date.now() + 1000)).includes(id);
  const tracked = await jobIn('QUEUED');
  assert.ok(await pending(tracked));
  for (const s of ['PREFLIGHT', 'SUBMITTING'] as const) await store.transition(tracked, s);
  assert.ok(await pending(tracked), 'taken by a worker, not on YARN yet');
  await store.transition(tracked, 'ACCEPTED', {}, ['SUBMITTING'], { track: { applicationId: 'application_1_0077', submittedAtMs: 1 } });
  assert.ok(!(await pending(tracked)));
  const ended = await jobIn('QUEUED');
  await store.transition(ended, 'FAILED');
  assert.ok(!(await pending(ended)));
});
