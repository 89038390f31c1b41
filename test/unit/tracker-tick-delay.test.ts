// The tracker's adaptive tick: the wait after a tick follows what the tick took (busy at most 10%
// of the time), between 250 ms (or the region's interval, when shorter) and the region's interval.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUSY_FACTOR, MIN_TICK_MS, nextTickDelay } from '../../src/tracker/tick-delay.ts';

describe('nextTickDelay', () => {
  it('a quick tick is followed soon, but never sooner than the floor', () => {
    assert.equal(nextTickDelay({ durationMs: 5, outcome: 'tracked' }, 2000), MIN_TICK_MS);
    assert.equal(nextTickDelay({ durationMs: 0, outcome: 'tracked' }, 2000), MIN_TICK_MS);
  });

  it('a slower tick waits BUSY_FACTOR times its duration: the tracker is busy at most 10% of the time', () => {
    assert.equal(BUSY_FACTOR, 9);
    assert.equal(nextTickDelay({ durationMs: 50, outcome: 'tracked' }, 2000), 450);
    const d = nextTickDelay({ durationMs: 120, outcome: 'tracked' }, 2000);
    assert.ok(120 / (120 + d) <= 0.1 + 1e-9, `busy ${120 / (120 + d)}`);
  });

  it('the region interval bounds it: a slow RM or a large list is asked no more often than trackerIntervalMs', () => {
    assert.equal(nextTickDelay({ durationMs: 400, outcome: 'tracked' }, 2000), 2000);
    assert.equal(nextTickDelay({ durationMs: 30_000, outcome: 'tracked' }, 1000), 1000);
  });

  it('an interval shorter than the floor is kept as it is', () => {
    assert.equal(nextTickDelay({ durationMs: 1, outcome: 'tracked' }, 100), 100);
    assert.equal(nextTickDelay({ durationMs: 15, outcome: 'tracked' }, 200), 200);
  });

  it('idle and failed ticks wait the full interval', () => {
    assert.equal(nextTickDelay({ durationMs: 1, outcome: 'idle' }, 2000), 2000);
    assert.equal(nextTickDelay({ durationMs: 1, outcome: 'failed' }, 2000), 2000);
  });
});
