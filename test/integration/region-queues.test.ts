// A region's worker tells which queues its ResourceManager has, so the API (which never talks to
// an RM) can say whether a job's queue exists: read with each preflight round, stored in the
// region's health hash (getRegionHealth().queues, what the API reads), written only on a change or
// to renew `at`. A failed read keeps the last list and is no failed check: intake stays open.
// Real worker processes, real Redis, the RM emulator (whose /scheduler the contract suite holds to
// a real RM's).

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import pino from 'pino';
import { getRegionHealth, keysFor, setRegionQueues } from '../../src/store/index.ts';
import { LeafQueueWatch } from '../../src/worker/leaf-queue-watch.ts';
import type { LeafQueues } from '../../src/yarn/resource-manager.ts';
import { waitForPreflightRounds } from '../support/preflight-rounds.ts';
import { redisUrl, REPO, shellJob, Stack } from '../support/stack.ts';
import { waitFor } from '../support/wait-for.ts';

const SCHEDULER = '/ws/v1/cluster/scheduler';

describe('a region worker publishes its ResourceManager\'s queues', () => {
  let stack: Stack;
  const queuesOf = async (region: string) => (await getRegionHealth(stack.redis, keysFor(stack.ns), region)).queues;
  const emulator = () => stack.emulators.get('ra')!;
  /** Waits for `rounds` preflight rounds of ra that start from now. */
  const rounds = (n: number) => waitForPreflightRounds(stack, 'ra', { check: 'yarn-rm', rounds: n, sinceMs: Date.now() });

  before(async () => {
    stack = await Stack.start({ regions: ['ra', 'rb'], startWorkers: false, region: () => ({ preflight: { intervalSeconds: 1 } }) });
    await stack.startWorker('ra');
  });
  after(async () => {
    await stack?.close();
  });

  test('the stock queue, by short name and full path, soon after the worker starts; nothing for a region without a worker', async () => {
    const queues = await waitFor(() => queuesOf('ra'), { what: 'region ra\'s queues in its health hash' });
    assert.deepEqual(queues.names, ['default', 'root.default']);
    assert.ok(Math.abs(Date.now() - Date.parse(queues.at)) < 30_000, `at ${queues.at}`);
    assert.equal(await queuesOf('rb'), null, 'rb has no worker: nobody has said');
  });

  test('an unchanged list is not written again each round (its at stays)', async () => {
    const first = await waitFor(() => queuesOf('ra'), { what: 'region ra\'s queues' });
    await rounds(3);
    assert.deepEqual(await queuesOf('ra'), first);
  });

  test('a queue added on the RM is published with a following round', async () => {
    emulator().setQueues(['default', 'etl']);
    try {
      const queues = await waitFor(async () => {
        const q = await queuesOf('ra');
        return q?.names.includes('etl') ? q : undefined;
      }, { what: 'region ra\'s queues to include etl' });
      assert.deepEqual(queues.names, ['default', 'etl', 'root.default', 'root.etl']);
    } finally {
      emulator().setQueues(['default']);
    }
    await waitFor(async () => (await queuesOf('ra'))?.names.length === 2, { what: 'region ra\'s queues back to default only' });
  });

  test('the RM failing to answer: the last list stays, no check fails, intake stays open, jobs run', async () => {
    const before = await waitFor(() => queuesOf('ra'), { what: 'region ra\'s queues' });
    emulator().injectFailure({ method: 'GET', pathPrefix: SCHEDULER, status: 500, body: 'scheduler down', times: 1000 });
    try {
      const requests = emulator().requestCount({ method: 'GET', path: SCHEDULER });
      await rounds(2);
      assert.ok(emulator().requestCount({ method: 'GET', path: SCHEDULER }) > requests, 'the worker kept asking');
      const health = await getRegionHealth(stack.redis, keysFor(stack.ns), 'ra');
      assert.deepEqual(health.queues, before, 'the last known list, as it was');
      assert.equal(health.intake, 'open');
      assert.equal(health.status, 'ok');
      const job = await stack.submit(shellJob('ra', 'echo still-running'));
      assert.equal(job.status, 202, JSON.stringify(job.body));
      await stack.waitForState(job.body.id, 'SUCCEEDED');
    } finally {
      emulator().clearFailures();
    }
  });

  test('an RM that can\'t say (a FifoScheduler answer): queues null, then the list again', async () => {
    const fifo = readFileSync(`${REPO}/test/contract/fixtures/scheduler-fifo-3.4.2.json`, 'utf8');
    emulator().injectFailure({ method: 'GET', pathPrefix: SCHEDULER, status: 200, body: fifo, times: 1000 });
    try {
      await waitFor(async () => (await queuesOf('ra')) === null, { what: 'region ra\'s queues to become null' });
      const health = await getRegionHealth(stack.redis, keysFor(stack.ns), 'ra');
      assert.equal(health.intake, 'open');
    } finally {
      emulator().clearFailures();
    }
    const queues = await waitFor(() => queuesOf('ra'), { what: 'region ra\'s queues back' });
    assert.deepEqual(queues.names, ['default', 'root.default']);
  });
});

describe('LeafQueueWatch: when it writes (real Redis, a test clock)', () => {
  const redis = new Redis(redisUrl());
  const keys = keysFor(`t${randomBytes(4).toString('hex')}`);
  after(() => redis.disconnect());

  test('first answer, a change and every 5 minutes unchanged; a failed read writes nothing', async () => {
    let clock = Date.parse('2026-01-01T00:00:00Z');
    let answer: LeafQueues | Error = { names: ['default'] };
    const writes: (string[] | null)[] = [];
    const watch = new LeafQueueWatch(
      { leafQueues: async () => { if (answer instanceof Error) throw answer; return answer; } },
      async (names) => { writes.push(names); await setRegionQueues(redis, keys, 'rq', names, new Date(clock)); },
      pino({ level: 'silent' }),
      { now: () => clock },
    );
    const stored = async () => (await getRegionHealth(redis, keys, 'rq')).queues;

    await watch.update();
    assert.deepEqual(await stored(), { names: ['default'], at: '2026-01-01T00:00:00.000Z' });

    clock += 4 * 60_000;
    await watch.update();
    assert.equal(writes.length, 1, 'unchanged within 5 minutes: not written');

    clock += 60_000;
    await watch.update();
    assert.deepEqual(await stored(), { names: ['default'], at: '2026-01-01T00:05:00.000Z' }, 'renewed after 5 minutes');

    clock += 1000;
    answer = new Error('RM unreachable');
    await watch.update();
    assert.deepEqual(await stored(), { names: ['default'], at: '2026-01-01T00:05:00.000Z' }, 'a failed read keeps the last list');

    answer = { names: ['default', 'etl'] };
    await watch.update();
    assert.deepEqual(await stored(), { names: ['default', 'etl'], at: '2026-01-01T00:05:01.000Z' }, 'a change is written at once');

    answer = { names: null, why: 'FifoScheduler accepts any queue name' };
    await watch.update();
    assert.equal(await stored(), null, 'the RM can\'t say: null');
    assert.deepEqual(writes, [['default'], ['default'], ['default', 'etl'], null]);
  });

  test('a read still under way is joined, not doubled', async () => {
    let calls = 0;
    let release!: () => void;
    const watch = new LeafQueueWatch(
      { leafQueues: () => { calls++; return new Promise<LeafQueues>((r) => { release = () => r({ names: ['default'] }); }); } },
      async () => {},
      pino({ level: 'silent' }),
    );
    const a = watch.update();
    const b = watch.update();
    release();
    await Promise.all([a, b]);
    assert.equal(calls, 1);
  });
});
