// A job's child applications: what its own application started, found by the job's tags (a spark
// job's Spark application, a hadoop-jar job's MapReduce run). The tracker sees them in the same two
// lists it reads every tick; reconciliation and the finishing step merge what YARN shows with what
// the job recorded, and read the end of a recorded child YARN no longer lists, once.

import type { ChildApplication } from '../jobs/index.ts';
import { ownJobIdFromTags, SLUICE_APP_TYPE } from '../yarn/distributed-shell.ts';
import { truncate } from '../yarn/errors.ts';
import { LIVE_APP_STATES, type YarnApplication, type YarnAppState } from '../yarn/resource-manager.ts';
import type { RegionContext } from './region-context.ts';

export type { ChildApplication } from '../jobs/index.ts';

/** YARN's diagnostics of a failed Spark application carry the driver's stack trace: keep the head. */
const MAX_CHILD_DIAGNOSTICS = 4000;

export function childApplication(app: YarnApplication): ChildApplication {
  return {
    id: app.id, type: app.applicationType || null, state: app.state, finalStatus: app.finalStatus,
    trackingUrl: app.trackingUrl, diagnostics: app.diagnostics ? truncate(app.diagnostics, MAX_CHILD_DIAGNOSTICS) : null,
  };
}

/**
 * The job a listed application is a child of, or null: one of this region's and deployment's, not
 * a job's own (Distributed Shell) application.
 */
export function parentJobOf(app: YarnApplication, region: string, namespace: string): string | null {
  return app.applicationType === SLUICE_APP_TYPE ? null : ownJobIdFromTags(app.tags, region, namespace);
}

export function hasLiveChild(children: readonly ChildApplication[]): boolean {
  return children.some((c) => LIVE_APP_STATES.includes(c.state as YarnAppState));
}

/** The recorded children updated by what YARN listed (any state), without asking YARN anything. */
export function mergeChildren(recorded: readonly ChildApplication[], seen: readonly YarnApplication[]): ChildApplication[] {
  const known = new Map(recorded.map((c) => [c.id, c]));
  for (const app of seen) known.set(app.id, childApplication(app));
  return [...known.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * The recorded children updated by `seen`, and each recorded child still live that `seen` does not
 * name read from YARN on its own (it ended, and is no longer in the list it was in).
 */
export async function refreshChildren(
  ctx: RegionContext, recorded: readonly ChildApplication[], seen: readonly YarnApplication[], signal?: AbortSignal,
): Promise<ChildApplication[]> {
  const merged = mergeChildren(recorded, seen);
  const seenIds = new Set(seen.map((a) => a.id));
  return Promise.all(merged.map(async (c) => {
    if (seenIds.has(c.id) || !LIVE_APP_STATES.includes(c.state as YarnAppState)) return c;
    const app = await ctx.rm.getApplication(c.id, signal).catch(() => null);
    return app ? childApplication(app) : c;
  }));
}

export function sameChildren(a: readonly ChildApplication[], b: readonly ChildApplication[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
