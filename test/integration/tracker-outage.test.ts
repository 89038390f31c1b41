// Redis or the RM dying around a batched tick: a fast, clear error (Redis) or a degraded region
// (RM), never a hang, and no partial or doubled state: each job moves once, whole, when the tick
// runs again after the outage.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort } from '../../src/dev/local-redis.ts';
import { createLogger } from '../../src/log.ts';
import { connectRedis } from '../../src/redis/index.ts';
import { JobStore, keysFor } from '../../src/store/index.ts';
import { Tracker } from '../../src/tracker/tracker.ts';
import { Children } from '../chaos/children.ts';
import { ChaosRedis } from '../chaos/redis-server.ts';
import { regionContext, type TestRegionContext } from '../support/region-context.ts';
import { Stack } from '../support/stack.ts';
import { statesMovedTo, trackedJobs } from '../support/tracked-jobs.ts';
import { waitFor } from '../support/wait-for.ts';

const LISTS = { method: 'GET', path: '/ws/v1/cluster/apps' };
let scratch: string;
let children: Children;
let redis: ChaosRedis;
let stack: Stack;
let ctx: TestRegionContext;
before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'sluice-tracker-outage-'));
  children = new Children(scratch);
  redis = new ChaosRedis(children, await freePort(), scratch);
  await redis.start();
  stack = await Stack.start({ regions: ['ra'], startWorkers: false, redisUrl: redis.url });
  ctx = regionContext(stack, 'ra');
});
after(async () => {
  // A test that failed while its Redis was down: closing waits on Redis, so it comes back first.
  if (redis && !redis.running) await redis.start().catch(() => {});
  await ctx?.close();
  await stack?.close();
  await children?.stopAll();
  rmSync(scratch, { recursive: true, force: true });
});

test('the RM gone during ticks: the region is marked degraded at once, no job changes; back, each moves once', { timeout: 120_000 }, async () => {
  const emu = stack.emulators.get('ra')!;
  const jobs = await trackedJobs(ctx, stack.ns, Array.from({ length: 50 }, () => 'exec sleep 300'));
  const health: { ok: boolean; message: string | null }[] = [];
  const tracker = new Tracker(ctx, stack.redis, async (h) => { health.push(h); });
  await emu.stopServing();
  const started = Date.now();
  await tracker.tick();
  assert.ok(Date.now() - started < 5000, `the tick ended in ${Date.now() - started} ms`);
  assert.equal(health.at(-1)?.ok, false);
  assert.match(health.at(-1)?.message ?? '', /region ra: tracking failed: .*(refused|ECONNREFUSED|reached)/i);
  const states = await Promise.all(jobs.map(({ jobId }) => ctx.store.get(jobId).then((j) => j!.state)));
  assert.deepEqual([...new Set(states)], ['ACCEPTED'], 'nothing changed while the RM was away');
  await emu.startServing();
  await waitFor(async () => {
    await tracker.tick();
    const now = await Promise.all(jobs.map(({ jobId }) => ctx.store.get(jobId).then((j) => j!.state)));
    return now.every((s) => s === 'RUNNING');
  }, { what: 'every job RUNNING once the RM is back', timeoutMs: 30_000, intervalMs: 200 });
  assert.equal(health.at(-1)?.ok, true);
  for (const { jobId } of jobs) {
    const moved = await statesMovedTo(stack.redis, ctx.store.keys.jobEvents(jobId));
    assert.deepEqual(moved.slice(moved.indexOf('ACCEPTED')), ['ACCEPTED', 'RUNNING'], `${jobId}: ${moved.join(' → ')}`);
  }
  await tracker.close();
});

test('Redis SIGKILLed during a batched tick: the tick stops at once saying so; after the restart each job moves once', { timeout: 120_000 }, async () => {
  const emu = stack.emulators.get('ra')!;
  // The tracker on a connection as the API's: no offline queue, bounded commands (the worker's own
  // connection waits for Redis instead; the tracker then stops before its next chunk).
  const conn = connectRedis(redis.url, { name: 'tracker-test', role: 'request', log: createLogger('silent') });
  const store = new JobStore(conn, keysFor(stack.ns), { idempotencyTtlSeconds: 3600, eventsMaxLength: 100_000, retentionSeconds: 3600 });
  const tctx = { ...ctx, store };
  const jobs = await trackedJobs(ctx, stack.ns, Array.from({ length: 1500 }, () => 'exec sleep 300'), 50);
  const tracker = new Tracker(tctx, conn);
  // The lists answer late: Redis dies while the tick waits for them, before its reads and writes.
  emu.setLatency(1500, { method: 'GET', path: '/ws/v1/cluster/apps' });
  emu.resetRequestCount();
  const tick = tracker.tick().then(() => null, (err: Error) => err);
  await waitFor(() => emu.requestCount(LISTS) >= 2, { what: "the tick's list requests" });
  await redis.kill();
  const killedAt = Date.now();
  const err = await tick;
  assert.ok(err, 'the tick failed');
  assert.match(err.message, /region ra: tracker stopped .*Redis is unreachable/);
  assert.ok(Date.now() - killedAt < 4000, `failed ${Date.now() - killedAt} ms after the kill`);
  emu.setLatency(0);
  await redis.start();
  await waitFor(() => conn.status === 'ready', { what: 'the connection back' });
  await waitFor(async () => {
    await tracker.tick().catch(() => {});
    const now = await Promise.all(jobs.map(({ jobId }) => store.get(jobId).then((j) => j!.state)));
    return now.every((s) => s === 'RUNNING');
  }, { what: 'every job RUNNING after the restart', timeoutMs: 60_000, intervalMs: 200 });
  for (const { jobId } of jobs) {
    const moved = await statesMovedTo(conn, ctx.store.keys.jobEvents(jobId));
    assert.deepEqual(moved.slice(moved.indexOf('ACCEPTED')), ['ACCEPTED', 'RUNNING'], `${jobId}: ${moved.join(' → ')}`);
  }
  await tracker.close();
  conn.disconnect();
});
