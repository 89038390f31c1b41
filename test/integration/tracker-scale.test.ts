// The tracker's cost per tick does not grow with the number of applications it tracks: 500
// running applications cost the same RM requests per tick as one (the emulator counts them).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Agent } from 'undici';
import { ulid } from 'ulid';
import { createLogger } from '../../src/log.ts';
import { parseJobSpec } from '../../src/jobs/index.ts';
import type { RegionContext } from '../../src/queue/region-context.ts';
import { loadRegions } from '../../src/regions/index.ts';
import { launchScriptFor } from '../../src/queue/job-launch.ts';
import { FileStagingStore } from '../../src/staging/index.ts';
import { JobStore, keysFor } from '../../src/store/index.ts';
import { Tracker } from '../../src/tracker/tracker.ts';
import { buildDistributedShellSubmission } from '../../src/yarn/distributed-shell.ts';
import { ResourceManagerClient } from '../../src/yarn/resource-manager-client.ts';
import { Stack } from '../support/stack.ts';
import { waitFor } from '../support/wait-for.ts';

let stack: Stack;
const dispatcher = new Agent({ connections: 32 });
before(async () => { stack = await Stack.start({ regions: ['ra'], startWorkers: false }); });
after(async () => { await stack?.close(); await dispatcher.close(); });

test('500 running applications cost the tracker the same RM requests per tick as one', { timeout: 120_000 }, async () => {
  const region = loadRegions(stack.regionsDir).get('ra')!;
  const emu = stack.emulators.get('ra')!;
  const store = new JobStore(stack.redis, keysFor(stack.ns), { idempotencyTtlSeconds: 60, eventsMaxLength: 100000, retentionSeconds: 3600 });
  const rm = new ResourceManagerClient({ resourceManagers: [emu.url], user: 'sluice', dispatcher });
  const staging = new FileStagingStore(region.staging.dirPath);
  const ctx: RegionContext = {
    region, store, rm, nodes: dispatcher, staging, log: createLogger('silent'), preflight: { failing: () => [], intakeOpen: () => true, allPassing: () => true }, writeLoss: { mayHaveLost: () => true },
    am: { jar: { resource: 'file:///dev/null', type: 'FILE', visibility: 'APPLICATION', size: 0, timestamp: 1 }, classpath: '.', memoryMb: 256 },
  };

  // Submit applications straight to the emulator (the submit path is tested elsewhere) and
  // register their jobs as the worker would.
  async function runningJobs(n: number): Promise<string[]> {
    const parsed = parseJobSpec({ region: 'ra', name: 'scale', kind: 'shell', script: 'exec sleep 300' });
    assert.ok(parsed.ok);
    const ids: string[] = [];
    for (let i = 0; i < n; i += 25) {
      await Promise.all(Array.from({ length: Math.min(25, n - i) }, async () => {
        const jobId = `job_${ulid()}`;
        await store.create({ id: jobId, spec: parsed.spec, principal: 'test', timeoutSeconds: 3600, idempotency: null });
        const { applicationId } = await rm.newApplication();
        const script = await staging.stage(jobId, 'launch.sh', launchScriptFor(jobId, parsed.spec, region, stack.ns));
        await rm.submitApplication(buildDistributedShellSubmission({ jobId, applicationId, name: 'scale', region: 'ra', namespace: stack.ns, queue: 'default', memoryMb: 128, vcores: 1, script }, ctx.am));
        await store.transition(jobId, 'PREFLIGHT');
        await store.transition(jobId, 'SUBMITTING');
        await store.transition(jobId, 'ACCEPTED', {}, ['SUBMITTING'], { track: { applicationId, submittedAtMs: Date.now() } });
        ids.push(jobId);
      }));
    }
    return ids;
  }

  const tracker = new Tracker(ctx, stack.redis);
  const requestsPerTick = async () => {
    emu.resetRequestCount();
    await tracker.tick();
    return emu.requestCount();
  };

  const [one] = await runningJobs(1);
  await stack.waitForState(one!, 'ACCEPTED');
  await waitFor(async () => {
    await tracker.tick();
    return (await store.get(one!))!.state === 'RUNNING';
  }, { what: 'the first job RUNNING', timeoutMs: 20_000, intervalMs: 100 });
  const withOne = await requestsPerTick();

  const many = await runningJobs(499);
  // Tick until every job is RUNNING (each tick is the tracker's real work: the loop ends on that,
  // or on the deadline naming the states left), then measure a steady tick.
  let left: string[] = [];
  await waitFor(async () => {
    await tracker.tick();
    const states = await Promise.all(many.map((id) => store.get(id).then((j) => j!.state)));
    left = [...new Set(states.filter((s) => s !== 'RUNNING'))];
    return left.length === 0;
  }, { what: 'all 499 jobs RUNNING', timeoutMs: 60_000, intervalMs: 200, detail: () => `states not RUNNING yet: ${left.join(', ')}` });
  const withFiveHundred = await requestsPerTick();
  const tracked = await store.trackedApplications('ra');
  assert.equal(tracked.size, 500);
  assert.equal(withOne, 2, 'one list of active apps and one of recently finished');
  assert.equal(withFiveHundred, withOne);
  const states = await Promise.all(many.map((id) => store.get(id).then((j) => j!.state)));
  assert.ok(states.every((s) => s === 'RUNNING'), `not all RUNNING: ${[...new Set(states)]}`);
  await tracker.close();
});
