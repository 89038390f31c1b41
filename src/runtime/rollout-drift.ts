// Once a region's rollout was changed live, Redis holds it and the region file's `rollout` is only
// the default for a fresh Redis. An operator who edits the file (say, to `off` in an incident) and
// restarts would otherwise see nothing happen: say so at start.

import type { Logger } from 'pino';
import type { Region } from '../regions/index.ts';
import { canonical, type RolloutStore } from '../store/index.ts';

export async function warnOnRolloutDrift(regions: ReadonlyMap<string, Region>, rollouts: RolloutStore, log: Logger): Promise<void> {
  for (const region of regions.values()) {
    const live = await rollouts.current(region.name, region.rollout);
    const file = canonical(region.rollout);
    if (live.source !== 'live' || JSON.stringify({ mode: live.mode, canary: live.canary }) === JSON.stringify(file)) continue;
    log.warn({ region: region.name, file: file.mode, live: live.mode, version: live.version, updatedBy: live.updatedBy },
      `region ${region.name}: the rollout in force is "${live.mode}" (set live by ${live.updatedBy} at ${live.updatedAt}), not the file's "${file.mode}"; change it with PUT /v1/regions/${region.name}/rollout or \`sluice rollout set\``);
  }
}
