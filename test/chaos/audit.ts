// What the chaos run checks at the end, from three independent sources: the API (each job's final
// state), Redis (each job's event stream and the global stream, read directly) and every RM (the
// applications carrying Sluice's tags). Pure functions over what was collected; chaos.ts collects.

import type { Redis } from 'ioredis';
import { eventFromEntry } from '../../src/events/event.ts';
import { keysFor } from '../../src/store/keys.ts';
import { jobTag } from '../../src/yarn/distributed-shell.ts';
import type { RmApp } from './clusters.ts';
import type { Fault } from './faults.ts';
import type { JobPlan } from './workload.ts';

export const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'KILLED', 'SHADOWED']);
/** YARN states of an application that still holds (or will hold) containers. */
export const ALIVE_APP_STATES = new Set(['NEW', 'NEW_SAVING', 'SUBMITTED', 'ACCEPTED', 'RUNNING']);
/** Transitions only a region's worker writes (QUEUED, CANCELLING and KILLED can come from the API). */
const WORKER_STATES = new Set(['PREFLIGHT', 'SUBMITTING', 'ACCEPTED', 'RUNNING', 'SUCCEEDED', 'FAILED']);

export interface AcceptedJob {
  id: string;
  plan: JobPlan;
  acceptedAt: number;
  /** 202, or 200 when a retry found the job recorded by an earlier attempt that got no answer. */
  acceptStatus: number;
  cancel: { at: number; status: number; error?: string } | null;
}

export interface JobEvent { streamId: string; from: string | null; to: string; at: string }

export interface JobAudit {
  id: string;
  plan: number;
  region: string;
  state: string;
  errorCode: string | null;
  applicationId: string | null;
  apps: RmApp[];
  perJobEvents: JobEvent[];
  globalEvents: JobEvent[];
}

/** Job id → its applications on the region's RM, by the job's tag (sluice-job-<id lowercased>). */
export function appsByJob(apps: RmApp[], knownIds: Iterable<string>): { byJob: Map<string, RmApp[]>; untagged: RmApp[]; unknown: RmApp[] } {
  const byTag = new Map<string, string>();
  for (const id of knownIds) byTag.set(jobTag(id), id);
  const byJob = new Map<string, RmApp[]>();
  const untagged: RmApp[] = [];
  const unknown: RmApp[] = [];
  for (const app of apps) {
    const tag = app.tags.find((t) => t.startsWith('sluice-job-'));
    if (!tag) {
      untagged.push(app);
      continue;
    }
    const id = byTag.get(tag);
    if (!id) {
      unknown.push(app);
      continue;
    }
    byJob.set(id, [...(byJob.get(id) ?? []), app]);
  }
  return { byJob, untagged, unknown };
}

/** Each job's own stream, and its entries in the global stream, read straight from Redis. */
export async function readEvents(redis: Redis, ns: string, jobIds: string[]): Promise<{ perJob: Map<string, JobEvent[]>; global: Map<string, JobEvent[]>; allGlobal: Array<JobEvent & { jobId: string; region: string }> }> {
  const keys = keysFor(ns);
  const perJob = new Map<string, JobEvent[]>();
  for (let i = 0; i < jobIds.length; i += 200) {
    const batch = jobIds.slice(i, i + 200);
    const pipe = redis.pipeline();
    for (const id of batch) pipe.xrange(keys.jobEvents(id), '-', '+');
    const results = (await pipe.exec()) ?? [];
    batch.forEach((id, j) => {
      const [err, entries] = results[j] ?? [null, []];
      if (err) throw err;
      perJob.set(id, (entries as Array<[string, string[]]>).map(([sid, flat]) => toJobEvent(sid, flat)));
    });
  }
  const global = new Map<string, JobEvent[]>();
  const allGlobal: Array<JobEvent & { jobId: string; region: string }> = [];
  let start = '-';
  for (;;) {
    const entries = (await redis.xrange(keys.events, start, '+', 'COUNT', 5000)) as Array<[string, string[]]>;
    for (const [sid, flat] of entries) {
      const e = eventFromEntry(sid, flat);
      if (e.type !== 'job.state_changed') continue;
      const je = toJobEvent(sid, flat);
      allGlobal.push({ ...je, jobId: e.jobId, region: e.region });
      global.set(e.jobId, [...(global.get(e.jobId) ?? []), je]);
    }
    if (entries.length < 5000) break;
    start = `(${entries.at(-1)![0]}`;
  }
  return { perJob, global, allGlobal };
}

function toJobEvent(streamId: string, flat: string[]): JobEvent {
  const e = eventFromEntry(streamId, flat);
  if (e.type !== 'job.state_changed') return { streamId, from: null, to: `(${e.type})`, at: e.at };
  return { streamId, from: e.from, to: e.to, at: e.at };
}

export const sequence = (events: JobEvent[]): string => events.map((e) => e.to).join('→') || '(none)';

/** The sequence with each event's time, in seconds after the first: QUEUED 0.0 → PREFLIGHT 0.2 → … */
export function timedSequence(events: JobEvent[]): string {
  const t0 = Date.parse(events[0]?.at ?? '');
  return events.map((e) => `${e.to} ${((Date.parse(e.at) - t0) / 1000).toFixed(1)}`).join(' → ') || '(none)';
}

/** from ≠ the previous to, or anything after a terminal event. */
export function chainBreak(events: JobEvent[]): string | null {
  let prev: string | null = null;
  for (const e of events) {
    if (prev !== null && TERMINAL.has(prev)) return `${e.from}→${e.to} after terminal ${prev}`;
    if ((e.from ?? null) !== prev) return `${e.from ?? '∅'}→${e.to} but the job was ${prev ?? '∅'}`;
    prev = e.to;
  }
  return null;
}

export interface Recovery {
  fault: Fault;
  /**
   * From the fault's start to the first worker-written transition in each region it hit, after it
   * was over (the slowest region). null: no work seen after it, or the region was hit again first
   * (a recovery cut short by the next fault is not a recovery time).
   */
  ms: number | null;
  region: string | null;
  superseded: boolean;
}

const RANK: Record<Fault['kind'], number> = { 'worker-kill': 0, 'rm-restart': 1, 'redis-kill': 2 };

/** For every fault: how long until each region it hit was processing jobs again (the slowest region). */
export function recoveries(faults: Fault[], events: Array<JobEvent & { region: string }>): Recovery[] {
  const byRegion = new Map<string, number[]>();
  for (const e of events) {
    if (!WORKER_STATES.has(e.to)) continue;
    const t = Date.parse(e.at);
    if (Number.isFinite(t)) byRegion.set(e.region, [...(byRegion.get(e.region) ?? []), t]);
  }
  for (const times of byRegion.values()) times.sort((a, b) => a - b);
  return faults.map((fault) => {
    // A region hit again before it processed anything says nothing about this fault: it is left
    // out, and the fault is unmeasured if every region was. Only a fault as big counts as "again":
    // the worker kills that go on during a Redis or RM outage are part of what it recovers from.
    let worst: Recovery = { fault, ms: null, region: null, superseded: true };
    for (const region of fault.regions) {
      const next = (byRegion.get(region) ?? []).find((t) => t >= fault.upAt);
      const nextFault = faults.filter((f) => f !== fault && f.regions.includes(region) && f.downAt > fault.downAt && RANK[f.kind] >= RANK[fault.kind])
        .reduce((min, f) => Math.min(min, f.downAt), Infinity);
      if (next === undefined || next > nextFault) continue;
      const ms = next - fault.downAt;
      if (worst.ms === null || ms > worst.ms) worst = { fault, ms, region, superseded: false };
    }
    return worst;
  });
}
