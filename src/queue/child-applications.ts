// A job's child applications (what its own application started, e.g. a hadoop-jar job's MapReduce
// run, found by the job's tag): merges what YARN lists as live now with what the job recorded,
// and reads the end of any recorded child that is no longer live. Used by reconciliation while the
// job runs and once more when the job ends (a terminal record can't change afterwards).

import type { Job } from '../jobs/index.ts';
import { LIVE_APP_STATES, type YarnApplication, type YarnAppState } from '../yarn/resource-manager.ts';
import type { RegionContext } from './region-context.ts';

export type ChildApplication = Job['childApplications'][number];

export function hasLiveChild(children: readonly ChildApplication[]): boolean {
  return children.some((c) => LIVE_APP_STATES.includes(c.state as YarnAppState));
}

export async function refreshChildren(
  ctx: RegionContext, recorded: readonly ChildApplication[], live: readonly YarnApplication[], signal?: AbortSignal,
): Promise<ChildApplication[]> {
  const known = new Map(recorded.map((c) => [c.id, c]));
  for (const app of live) known.set(app.id, { id: app.id, state: app.state, finalStatus: app.finalStatus });
  for (const c of known.values()) {
    if (live.some((a) => a.id === c.id) || !LIVE_APP_STATES.includes(c.state as YarnAppState)) continue;
    const app = await ctx.rm.getApplication(c.id, signal).catch(() => null);
    if (app) known.set(c.id, { id: app.id, state: app.state, finalStatus: app.finalStatus });
  }
  return [...known.values()].sort((a, b) => a.id.localeCompare(b.id));
}

export function sameChildren(a: readonly ChildApplication[], b: readonly ChildApplication[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
