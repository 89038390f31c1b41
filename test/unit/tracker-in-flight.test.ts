// inFlight: at most `limit` tasks at once, none started once stop() holds, and a task's failure
// stops the rest and is thrown after those in flight settle.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inFlight } from '../../src/tracker/in-flight.ts';

const tick = () => new Promise((r) => setImmediate(r));

describe('inFlight', () => {
  it('runs every item with at most `limit` at once', async () => {
    let now = 0;
    let most = 0;
    const done: number[] = [];
    await inFlight([...Array(50).keys()], 8, async (i) => {
      most = Math.max(most, ++now);
      await tick();
      now--;
      done.push(i);
    }, () => false);
    assert.equal(most, 8);
    assert.deepEqual(done.sort((a, b) => a - b), [...Array(50).keys()]);
  });

  it('starts nothing more once stop() holds', async () => {
    const started: number[] = [];
    await inFlight([...Array(20).keys()], 4, async (i) => { started.push(i); await tick(); }, () => started.length >= 6);
    assert.equal(started.length, 6);
  });

  it('a failure stops the rest and is thrown once those in flight settle', async () => {
    let settled = 0;
    const started: number[] = [];
    await assert.rejects(inFlight([...Array(20).keys()], 3, async (i) => {
      started.push(i);
      await tick();
      if (i === 1) throw new Error('redis gone');
      await tick();
      settled++;
    }, () => false), /redis gone/);
    assert.ok(started.length < 20, `${started.length} started`);
    assert.equal(settled, started.length - 1, 'every other task started had settled');
  });
});
