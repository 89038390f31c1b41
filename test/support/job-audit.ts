// What the fault tests check after the storm: how many YARN applications carry each job's tag, and
// the sequence of states each job's event stream recorded.

import type { Redis } from 'ioredis';
import { keysFor } from '../../src/store/index.ts';

/** Sluice-tagged applications on a ResourceManager (or the emulator), counted per job tag. */
export async function applicationsPerJobTag(rmUrl: string): Promise<Map<string, number>> {
  const listed = await fetch(`${rmUrl}/ws/v1/cluster/apps?applicationTags=sluice&user.name=sluice`).then((r) => r.json()) as { apps: { app?: { applicationTags: string }[] } | null };
  const perJob = new Map<string, number>();
  for (const app of listed.apps?.app ?? []) {
    for (const tag of app.applicationTags.split(',')) if (tag.startsWith('sluice-job-')) perJob.set(tag, (perJob.get(tag) ?? 0) + 1);
  }
  return perJob;
}

export const jobTagOf = (jobId: string) => `sluice-job-${jobId.toLowerCase()}`;

/** The `to` state of every event in the job's own stream, in order. */
export async function recordedStates(redis: Redis, ns: string, jobId: string): Promise<string[]> {
  return (await redis.xrange(keysFor(ns).jobEvents(jobId), '-', '+')).map(([, f]) => f[f.indexOf('to') + 1]!);
}
