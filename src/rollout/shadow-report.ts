// Shadow mode's answer to "would this job have run?", judged at acceptance from what the API can
// know without a ResourceManager: the region's limits and checks (its file), the last preflight
// results and intake its worker published, and the RM's leaf queues when the worker has said.

import { checkRegionLimits, SHADOW_FINDINGS, type JobSpec, type ShadowFinding, type ShadowReport } from '../jobs/index.ts';
import { isRequired } from '../preflight/check-schema.ts';
import type { Region } from '../regions/index.ts';

/** The part of a region's published health the report reads (store/region-health.ts). */
export interface ShadowHealthInput {
  intake: 'open' | 'paused' | 'unknown';
  checks: unknown[];
  /** The RM's leaf queues, as the worker last read them; null: nobody has said. */
  queues?: { names: string[]; at: string } | null;
}

interface LastResult { name: string; ok: boolean; code: string; message: string; at: string }

/** Results older than this many check intervals mean the region's worker has stopped reporting. */
const STALE_INTERVALS = 3;
/** The worker confirms its RM's queues every 5 minutes: a list older than three of those is not evidence. */
const QUEUES_STALE_MS = 15 * 60 * 1000;

export function shadowReport(spec: JobSpec, region: Region, health: ShadowHealthInput, nowMs: number): ShadowReport {
  const findings: ShadowFinding[] = [];
  const add = (code: keyof typeof SHADOW_FINDINGS, message: string) => findings.push({ code, message });
  const results = new Map((health.checks as LastResult[]).map((r) => [r.name, r]));

  const newest = Math.max(...[...results.values()].map((r) => Date.parse(r.at)).filter(Number.isFinite), -Infinity);
  const staleAfterMs = STALE_INTERVALS * region.preflight.intervalSeconds * 1000;
  if (health.intake === 'unknown') {
    add('NO_WORKER', `no worker of region ${region.name} has reported its preflight results`);
  } else if (newest !== -Infinity && nowMs - newest > staleAfterMs) {
    add('NO_WORKER', `the worker of region ${region.name} has not reported since ${new Date(newest).toISOString()}`);
  } else if (health.intake === 'paused') {
    const failing = region.preflight.checks.filter((c) => isRequired(c) && !results.get(c.name)?.ok).map((c) => describe(c.name, results.get(c.name)));
    add('INTAKE_PAUSED', `region ${region.name} takes no jobs now: ${failing.join('; ') || 'a critical check fails'}`);
  }

  const known = region.preflight.checks.map((c) => c.name);
  for (const name of spec.requires) {
    const check = region.preflight.checks.find((c) => c.name === name);
    if (!check) add('UNKNOWN_CHECK', `requires "${name}", but region ${region.name} has no such check (it has: ${known.join(', ') || 'none'})`);
    // A critical check's failure is INTAKE_PAUSED already.
    else if (!isRequired(check) && results.get(name)?.ok === false) add('CHECK_FAILING', describe(name, results.get(name)));
  }

  for (const issue of checkRegionLimits(spec, region.yarn.limits)) add('LIMIT_EXCEEDED', `${issue.path.join('.')}: ${issue.message}`);

  const queue = spec.queue ?? region.yarn.queue;
  const queues = health.queues && nowMs - Date.parse(health.queues.at) <= QUEUES_STALE_MS ? health.queues : null;
  const knownQueue = queues ? queues.names.includes(queue) : null;
  if (knownQueue === false) add('UNKNOWN_QUEUE', `queue "${queue}" is not a leaf queue of region ${region.name}'s ResourceManager (it has: ${queues!.names.join(', ')})`);

  return { wouldRun: findings.length === 0, findings, queue: { name: queue, known: knownQueue }, checkedAt: new Date(nowMs).toISOString() };
}

function describe(name: string, r: LastResult | undefined): string {
  return r ? `check "${name}" fails: ${r.code} ${r.message}` : `check "${name}" has not run yet`;
}
