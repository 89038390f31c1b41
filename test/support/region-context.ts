// A region's worker context built in the test process (as the worker builds it), for tests that
// drive the tracker or the housekeeping passes themselves against a Stack's emulator.

import { join } from 'node:path';
import { Agent } from 'undici';
import { createLogger } from '../../src/log.ts';
import type { RegionContext } from '../../src/queue/region-context.ts';
import { loadRegions } from '../../src/regions/index.ts';
import { FileStagingStore } from '../../src/staging/index.ts';
import { JobStore, keysFor } from '../../src/store/index.ts';
import { ResourceManagerClient } from '../../src/yarn/resource-manager-client.ts';
import type { Stack } from './stack.ts';

export interface TestRegionContext extends RegionContext {
  close(): Promise<void>;
}

export function regionContext(stack: Stack, regionName: string, opts: { now?: () => number; retentionSeconds?: number } = {}): TestRegionContext {
  const region = loadRegions(stack.regionsDir).get(regionName);
  if (!region) throw new Error(`no region ${regionName} in the stack`);
  const emu = stack.emulators.get(regionName);
  const dispatcher = new Agent({ connections: 16 });
  const store = new JobStore(stack.redis, keysFor(stack.ns), {
    idempotencyTtlSeconds: 3600, eventsMaxLength: 100_000, retentionSeconds: opts.retentionSeconds ?? 30 * 24 * 3600, ...(opts.now ? { now: opts.now } : {}),
  });
  return {
    region,
    store,
    rm: new ResourceManagerClient({ resourceManagers: emu ? [emu.url] : region.yarn.resourceManagers, user: region.yarn.user, dispatcher }),
    nodes: dispatcher,
    staging: new FileStagingStore(join(region.staging.dirPath, stack.ns)),
    am: { jar: { resource: 'file:///dev/null', type: 'FILE', visibility: 'APPLICATION', size: 0, timestamp: 1 }, classpath: '.', memoryMb: 256 },
    preflight: { failing: () => [], intakeOpen: () => true, allPassing: () => true },
    // Tests that drive these passes take nothing from the queue: every job counts as possibly affected.
    writeLoss: { mayHaveLost: () => true },
    log: createLogger('silent'),
    close: () => dispatcher.close(),
  };
}
