// One tracker per region, even when a tick outlasts the lease: the lease is renewed while the tick
// runs, so a second tracker (another worker of the region) stays out instead of tracking the same
// applications at the same time.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Tracker } from '../../src/tracker/tracker.ts';
import { regionContext, type TestRegionContext } from '../support/region-context.ts';
import { Stack } from '../support/stack.ts';
import { waitFor } from '../support/wait-for.ts';

let stack: Stack;
let ctx: TestRegionContext;
before(async () => {
  stack = await Stack.start({ regions: ['ra'], startWorkers: false, trackerIntervalMs: 200 });
  ctx = regionContext(stack, 'ra');
});
after(async () => {
  await ctx?.close();
  await stack?.close();
});

test('a tick slower than the lease keeps it: a second tracker makes no RM call meanwhile', { timeout: 30_000 }, async () => {
  const emu = stack.emulators.get('ra')!;
  const first = new Tracker(ctx, stack.redis);
  const second = new Tracker(ctx, stack.redis);
  // The lease lasts max(3 × 200 ms, 5 s) = 5 s; the RM now takes 7 s to answer.
  emu.setLatency(7000);
  emu.resetRequestCount();
  const slowTick = first.tick();
  await waitFor(() => emu.requestCount() >= 1, { what: "the first tracker's RM call" });
  await new Promise((r) => setTimeout(r, 5500)); // past the lease's first expiry: the point of the test
  const before = emu.requestCount();
  await second.tick();
  assert.equal(emu.requestCount(), before, 'the second tracker stayed out: the lease was renewed during the slow tick');
  emu.setLatency(0);
  await slowTick;
  await first.close();
  await second.tick();
  assert.ok(emu.requestCount() > before, 'once released, the second tracker takes over');
  await second.close();
});
