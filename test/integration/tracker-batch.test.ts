// The tracker's batched path at scale: 2,000 applications on the emulator, some running, some
// succeeding, some failing. Every job reaches its state with one event per move, and every tick
// costs the RM exactly its two list requests (the emulator counts them), whatever changed.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Tracker, TRACKER_CHUNK } from '../../src/tracker/tracker.ts';
import { regionContext, type TestRegionContext } from '../support/region-context.ts';
import { Stack } from '../support/stack.ts';
import { statesMovedTo, trackedJobs } from '../support/tracked-jobs.ts';
import { waitFor } from '../support/wait-for.ts';

let stack: Stack;
let ctx: TestRegionContext;
before(async () => {
  stack = await Stack.start({ regions: ['ra'], startWorkers: false });
  ctx = regionContext(stack, 'ra');
});
after(async () => {
  await ctx?.close();
  await stack?.close();
});

test('2,000 applications: every job reaches its state, one event per move, two RM lists per tick', { timeout: 300_000 }, async () => {
  const emu = stack.emulators.get('ra')!;
  const expected = new Map([['exec sleep 300', 'RUNNING'], ['exit 0', 'SUCCEEDED'], ['exit 3', 'FAILED']]);
  const scripts = Array.from({ length: 2000 }, (_, i) => (i % 10 < 5 ? 'exec sleep 300' : i % 10 < 8 ? 'exit 0' : 'exit 3'));
  assert.ok(scripts.length > TRACKER_CHUNK, 'more than one chunk');
  const jobs = await trackedJobs(ctx, stack.ns, scripts);
  const tracker = new Tracker(ctx, stack.redis);
  const lists: number[] = [];
  let wrong: string[] = [];
  await waitFor(async () => {
    const before = emu.requestCount({ method: 'GET', path: '/ws/v1/cluster/apps' });
    const all = emu.requestCount();
    await tracker.tick();
    lists.push(emu.requestCount({ method: 'GET', path: '/ws/v1/cluster/apps' }) - before);
    assert.equal(emu.requestCount() - all, lists.at(-1), 'a tick makes no RM request but its lists');
    const states = await Promise.all(jobs.map(({ jobId }) => ctx.store.get(jobId).then((j) => j!.state)));
    wrong = jobs.filter((j, i) => states[i] !== expected.get(j.script)).map((j, i) => `${j.jobId} ${states[i]}`);
    return wrong.length === 0;
  }, { what: 'every job in its state', timeoutMs: 240_000, intervalMs: 200, detail: () => `${wrong.length} not yet, e.g. ${wrong.slice(0, 3).join(', ')}` });
  assert.ok(lists.every((n) => n === 2), `RM list requests per tick: ${lists.join(' ')}`);
  for (const { jobId, script } of jobs) {
    const moved = await statesMovedTo(stack.redis, ctx.store.keys.jobEvents(jobId));
    const end = expected.get(script)!;
    const tail = end === 'RUNNING' ? ['ACCEPTED', 'RUNNING'] : ['ACCEPTED', 'RUNNING', end];
    assert.deepEqual(moved.slice(moved.indexOf('ACCEPTED')), tail, `${jobId} (${script}) moved ${moved.join(' → ')}`);
  }
  const tracked = await ctx.store.trackedApplications('ra');
  assert.equal(tracked.size, 1000, 'the ended jobs are no longer tracked; the running ones are');
  await tracker.close();
});

test('a record that cannot be read stops only its own job, not the region\'s tracking', { timeout: 120_000 }, async () => {
  const jobs = await trackedJobs(ctx, stack.ns, ['exit 0', 'exit 0', 'exit 0']);
  // A corrupt field (a hand edit, a half-migrated record): its JSON no longer parses.
  await stack.redis.hset(ctx.store.keys.job(jobs[1]!.jobId), 'application', '{not json');
  const tracker = new Tracker(ctx, stack.redis);
  try {
    await waitFor(async () => {
      await tracker.tick();
      const [a, c] = await Promise.all([ctx.store.get(jobs[0]!.jobId), ctx.store.get(jobs[2]!.jobId)]);
      return a!.state === 'SUCCEEDED' && c!.state === 'SUCCEEDED';
    }, { what: 'the readable jobs SUCCEEDED', timeoutMs: 60_000, intervalMs: 200 });
    assert.equal((await stack.redis.hget(ctx.store.keys.job(jobs[1]!.jobId), 'state')), 'ACCEPTED', 'the unreadable one is left as it was');
  } finally {
    await tracker.close();
  }
});
