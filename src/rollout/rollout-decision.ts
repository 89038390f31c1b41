// Where a task goes under a region's rollout: the one function behind the submit gate and the
// decision endpoint, so asking first and submitting can never disagree.

import { createHash } from 'node:crypto';
import type { RolloutConfig } from '../regions/rollout-config.ts';
import type { RolloutRoute } from './rollout-views.ts';

/** What a task is known by: its labels (team, dag, task) or an explicit rollout key. */
export interface RolloutSubject {
  team?: string;
  dag?: string;
  task?: string;
  rolloutKey?: string;
}

export interface Decision {
  route: RolloutRoute;
  reason: string;
  rolloutKey: string | null;
  bucket: number | null;
}

export const BUCKETS = 10_000;

/**
 * The stable bucket of a rollout key, 0–9999: the first 4 bytes of its SHA-256. The region is not
 * part of it, so a task is on the same side in every region at the same percentage, and raising
 * the percentage only ever adds keys.
 */
export function rolloutBucket(key: string): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) % BUCKETS;
}

/** `rolloutKey`, else `<dag>/<task>`, else `<dag>` (a whole DAG on one side), else none. */
export function rolloutKeyOf(s: RolloutSubject): string | null {
  if (s.rolloutKey) return s.rolloutKey;
  if (s.dag && s.task) return `${s.dag}/${s.task}`;
  return s.dag || null;
}

export function decide(rollout: RolloutConfig, subject: RolloutSubject): Decision {
  // An empty label says nothing: the submit gate and the decision endpoint read it as absent alike.
  const s: RolloutSubject = {
    team: subject.team || undefined, dag: subject.dag || undefined, task: subject.task || undefined, rolloutKey: subject.rolloutKey || undefined,
  };
  const key = rolloutKeyOf(s);
  const base = { rolloutKey: key, bucket: key === null ? null : rolloutBucket(key) };
  switch (rollout.mode) {
    case 'on':
      return { route: 'sluice', reason: 'the region is on: every job runs on Sluice', ...base };
    case 'off':
      return { route: 'legacy', reason: 'the region is off: run it the old way', ...base };
    case 'shadow':
      return { route: 'shadow', reason: 'the region is in shadow mode: the job is recorded and judged, never run; run it the old way too', ...base };
    case 'canary':
      return canary(rollout.canary, s, base);
  }
}

function canary(c: RolloutConfig['canary'], s: RolloutSubject, base: Pick<Decision, 'rolloutKey' | 'bucket'>): Decision {
  const inCanary = (reason: string): Decision => ({ route: 'sluice', reason: `canary: ${reason}`, ...base });
  if (s.team && c.teams.includes(s.team)) return inCanary(`team "${s.team}" is allow-listed`);
  if (s.dag && c.dags.includes(s.dag)) return inCanary(`DAG "${s.dag}" is allow-listed`);
  if (s.dag && s.task && c.tasks.includes(`${s.dag}/${s.task}`)) return inCanary(`task "${s.dag}/${s.task}" is allow-listed`);
  const threshold = Math.round(c.percent * 100);
  if (base.bucket !== null && base.bucket < threshold) return inCanary(`rollout key "${base.rolloutKey}" is in bucket ${base.bucket}, under ${c.percent}%`);

  const who = [`team ${quoted(s.team)}`, `DAG ${quoted(s.dag)}`, `task ${quoted(s.task)}`].join(', ');
  const share = base.bucket === null
    ? `it has no rollout key (labels.dag, labels.task or rolloutKey) for the ${c.percent}% share`
    : `rollout key "${base.rolloutKey}" is in bucket ${base.bucket}, not under ${c.percent}% (${threshold})`;
  return { route: 'legacy', reason: `canary: ${who} is not allow-listed and ${share}; run it the old way`, ...base };
}

const quoted = (v: string | undefined) => (v === undefined ? '(none)' : `"${v}"`);
