// The stop sequence itself: last started first, every step even after a failure, a late step forced
// and counted, the overall deadline, a step registered while stopping, launch() aborted mid-start.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../../src/log.ts';
import { Shutdown, StopRequested } from '../../src/runtime/index.ts';

const quiet = () => new Shutdown({ log: createLogger('silent'), exit: () => {} });
const never = () => new Promise<void>(() => {});

test('steps run last-registered first; a failing step does not stop the others; exit code 1', async () => {
  const s = quiet();
  const ran: string[] = [];
  s.defer('redis', async () => { ran.push('redis'); });
  s.defer('workers', async () => { ran.push('workers'); throw new Error('boom'); });
  s.defer('api', async () => { ran.push('api'); });
  assert.equal(await s.stop('test'), 1);
  assert.deepEqual(ran, ['api', 'workers', 'redis']);
  assert.equal(await s.stop('again'), 1, 'idempotent');
});

test('all steps fine: exit code 0', async () => {
  const s = quiet();
  s.defer('a', async () => {});
  assert.equal(await s.stop('test'), 0);
});

test('a step past its deadline is forced and counted; the overall deadline bounds the whole stop', async () => {
  const s = new Shutdown({ log: createLogger('silent'), exit: () => {}, deadlineMs: 300 });
  const forced: string[] = [];
  s.defer('last', async () => {}, { force: () => forced.push('last') });
  s.defer('hangs', never, { deadlineMs: 100, force: () => forced.push('hangs') });
  s.defer('hangs too', never, { force: () => forced.push('hangs too') });
  const began = Date.now();
  assert.equal(await s.stop('test'), 1);
  const took = Date.now() - began;
  assert.ok(took < 600, `took ${took} ms`);
  assert.deepEqual(forced, ['hangs too', 'hangs', 'last']);
});

test('launch(): a stop during start-up aborts the start, and its stop step still runs once it resolves', async () => {
  const s = quiet();
  let sawAbort: unknown;
  let stopped = false;
  const starting = s.launch('thing', (signal) => new Promise<string>((_, reject) => {
    signal.addEventListener('abort', () => { sawAbort = signal.reason; reject(signal.reason); });
  }), async () => { stopped = true; });
  const code = await s.stop('SIGTERM');
  await assert.rejects(starting, StopRequested);
  assert.ok(sawAbort instanceof StopRequested);
  assert.equal(stopped, false, 'it never started: nothing to stop');
  assert.equal(code, 0);
  assert.throws(() => s.signal.throwIfAborted(), StopRequested);

  const s2 = quiet();
  const value = await s2.launch('ok', async () => 'v', async (v) => { assert.equal(v, 'v'); stopped = true; });
  assert.equal(value, 'v');
  await s2.stop('test');
  assert.equal(stopped, true);
});

test('a step registered while stopping runs too', async () => {
  const s = quiet();
  const ran: string[] = [];
  s.defer('first', async () => { ran.push('first'); });
  s.defer('registers', async () => { ran.push('registers'); s.defer('late', async () => { ran.push('late'); }); });
  await s.stop('test');
  assert.deepEqual(ran, ['registers', 'late', 'first']);
});
