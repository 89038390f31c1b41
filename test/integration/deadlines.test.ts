// Deadlines everywhere: a CANCELLING job whose kill never happens still hits its timeout, and two
// workers of one region (a rolling deploy, one of them SIGKILLed midway) share the work without
// double submission or double tracking: one application and one terminal event per job.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { JobStore, keysFor } from '../../src/store/index.ts';
import { applicationsPerJobTag, jobTagOf, recordedStates } from '../support/job-audit.ts';
import { shellJob, Stack } from '../support/stack.ts';

let stack: Stack;
let store: JobStore;
before(async () => {
  stack = await Stack.start({ regions: ['ra'], trackerIntervalMs: 300 });
  store = new JobStore(stack.redis, keysFor(stack.ns), { idempotencyTtlSeconds: 60, eventsMaxLength: 100_000, retentionSeconds: 3600 });
});
after(async () => { await stack?.close(); });

test('a CANCELLING job whose kill never comes still ends at its timeout', { timeout: 60_000 }, async () => {
  const res = await stack.submit(shellJob('ra', 'sleep 60', { timeoutSeconds: 3 }));
  await stack.waitForState(res.body.id, 'RUNNING');
  // Recorded as cancelling, but the cancel's kill is lost (no control message): only the timeout is left.
  const cancel = { requestedAt: new Date().toISOString(), by: 'tester', reason: 'kill lost' };
  assert.equal((await store.transition(res.body.id, 'CANCELLING', { cancel })).outcome, 'ok');
  const job = await stack.waitForState(res.body.id, 'KILLED', 20_000);
  assert.equal(job.killReason, 'cancelled', 'the cancel stays the reason');
  assert.ok(!stack.emulators.get('ra')!.isProcessAlive(job.application!.id), 'its process is gone');
});

test('two workers of one region, one SIGKILLed midway: every job once on YARN, one terminal event each', { timeout: 120_000 }, async () => {
  await stack.startWorker('ra', 'ra#2');
  const ids: string[] = [];
  const submitSome = async (n: number) => {
    for (const r of await Promise.all(Array.from({ length: n }, (_, i) => stack.submit(shellJob('ra', `sleep 0.${(i % 5) + 1}`))))) {
      assert.equal(r.status, 202);
      ids.push(r.body.id);
    }
  };
  await submitSome(20);
  await stack.stopWorker('ra', 'SIGKILL');
  await submitSome(10);
  await stack.startWorker('ra', 'ra#3');
  await submitSome(10);

  for (const id of ids) {
    const job = await stack.waitForJob(id, (j) => ['SUCCEEDED', 'FAILED', 'KILLED'].includes(j.state), 60_000);
    assert.equal(job.state, 'SUCCEEDED', `${id}: ${JSON.stringify(job.error)}`);
  }
  const perJob = await applicationsPerJobTag(stack.emulators.get('ra')!.url);
  const doubled = ids.filter((id) => perJob.get(jobTagOf(id)) !== 1);
  assert.deepEqual(doubled, [], 'one application per job');
  for (const id of ids) {
    const states = await recordedStates(stack.redis, stack.ns, id);
    assert.equal(new Set(states).size, states.length, `${id}: each state once: ${states.join(' → ')}`);
    assert.equal(states.at(-1), 'SUCCEEDED', `${id}: ${states.join(' → ')}`);
  }
});
