// Turns what the run collected into the report: the counters, and for every bad job the evidence
// (its event sequence in its own stream and in the global one, its applications, the last fault
// before it was accepted or ended).

import { appsByJob, ALIVE_APP_STATES, chainBreak, recoveries, sequence, timedSequence, TERMINAL, type AcceptedJob, type JobEvent } from './audit.ts';
import type { CallRecord } from './api-client.ts';
import type { RmApp } from './clusters.ts';
import type { Fault } from './faults.ts';
import type { ChaosReport, Example } from './report.ts';

export interface Collected {
  seed: number;
  yarn: 'emulator' | 'real-yarn';
  regions: string[];
  startedAt: number;
  submitted: number;
  accepted: AcceptedJob[];
  refused: Array<{ plan: number; status: number }>;
  refusalAnswers: number[];
  finalJobs: Map<string, any>;
  perJob: Map<string, JobEvent[]>;
  global: Map<string, JobEvent[]>;
  allGlobal: Array<JobEvent & { jobId: string; region: string }>;
  apps: Map<string, RmApp[]>; // region → apps
  ghosts: any[];
  faults: Fault[];
  calls: CallRecord[];
  workerExits: Array<{ region: string; at: number; code: number | null; signal: string | null; killedByHarness: boolean; tail: string[] }>;
  workerReadyAt: Array<{ region: string; at: number[] }>;
  forcedStops: string[];
  scratch: string | null;
}

const count = (items: string[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const i of items) out[i] = (out[i] ?? 0) + 1;
  return out;
};

/** The last fault in the region that began before t (what a bad job most likely met). */
function faultBefore(faults: Fault[], region: string, t: number): string {
  const f = [...faults].filter((x) => x.downAt <= t && x.regions.includes(region)).sort((a, b) => b.downAt - a.downAt)[0];
  if (!f) return `before any fault in ${region}`;
  return `${((t - f.downAt) / 1000).toFixed(1)} s after ${f.kind} of ${f.regions.join(',')} (${f.detail})`;
}

/** The faults that hit the job's region while it lived, in seconds after its first event. */
function faultsDuring(faults: Fault[], region: string, events: JobEvent[]): string {
  if (events.length === 0) return '';
  const t0 = Date.parse(events[0]!.at);
  const t1 = Date.parse(events.at(-1)!.at);
  const hit = faults.filter((f) => f.regions.includes(region) && f.downAt <= t1 + 1000 && f.upAt >= t0 - 5000);
  return hit.length ? `; faults in ${region} around it: ${hit.map((f) => `${f.kind} at ${((f.downAt - t0) / 1000).toFixed(1)}${f.upAt > f.downAt ? `–${((f.upAt - t0) / 1000).toFixed(1)}` : ''}`).join(', ')}` : `; no fault in ${region} while it lived`;
}

export function verdict(c: Collected): ChaosReport {
  const examples: Record<string, Example[]> = {
    lost: [], 'duplicate applications': [], 'orphan applications': [], 'wrong terminal-event count': [],
    'unexpected outcomes': [], 'cancels that did not end KILLED': [], 'broken event chains': [], 'job/app disagreements': [], 'ghost jobs': [], 'worker exits by themselves': [],
  };
  const add = (k: string, jobId: string, detail: string) => examples[k]!.push({ jobId, detail });
  const knownIds = [...c.accepted.map((a) => a.id), ...c.ghosts.map((g) => g.id as string)];
  const allApps = [...c.apps.values()].flat();
  const { byJob, unknown } = appsByJob(allApps, knownIds);
  const appLine = (apps: RmApp[]) => apps.map((a) => `${a.id} ${a.state}/${a.finalStatus}`).join(', ') || 'no application';

  let lost = 0, dup = 0, wrongTerm = 0, broken = 0, disagree = 0, noApp = 0;
  const terminal: string[] = [], outcomes: string[] = [], cancels: string[] = [];
  const cancelToEnd: number[] = [];
  for (const a of c.accepted) {
    const job = c.finalJobs.get(a.id);
    const state: string = job?.state ?? 'NOT_FOUND';
    const perJob = c.perJob.get(a.id) ?? [];
    const global = c.global.get(a.id) ?? [];
    const apps = byJob.get(a.id) ?? [];
    const evidence = `state ${state}${job?.error ? ` (${job.error.code})` : ''}; own stream ${timedSequence(perJob)}; global ${sequence(global)}; apps: ${appLine(apps)}${faultsDuring(c.faults, a.plan.region, perJob)}`;
    if (a.cancel) cancels.push(a.cancel.status ? String(a.cancel.status) : `no answer (${a.cancel.error})`);
    if (!TERMINAL.has(state)) {
      lost += 1;
      add('lost', a.id, `${evidence}; accepted ${faultBefore(c.faults, a.plan.region, a.acceptedAt)}`);
      continue;
    }
    terminal.push(state);
    if (apps.length > 1) {
      dup += 1;
      add('duplicate applications', a.id, `${apps.length} applications: ${appLine(apps)}; record says ${job.application?.id ?? 'none'}; own stream ${sequence(perJob)}; accepted ${faultBefore(c.faults, a.plan.region, a.acceptedAt)}`);
    }
    if (apps.length === 0) noApp += 1;
    const termOwn = perJob.filter((e) => TERMINAL.has(e.to)).length;
    const termGlobal = global.filter((e) => TERMINAL.has(e.to)).length;
    if (termOwn !== 1 || termGlobal !== 1) {
      wrongTerm += 1;
      const lastTerminal = [...perJob, ...global].find((e) => TERMINAL.has(e.to));
      add('wrong terminal-event count', a.id, `${termOwn} in its own stream, ${termGlobal} in the global one; ${evidence}; ${lastTerminal ? `ended ${faultBefore(c.faults, a.plan.region, Date.parse(lastTerminal.at))}` : ''}`);
    }
    const br = chainBreak(perJob);
    if (br) {
      broken += 1;
      add('broken event chains', a.id, `${br}; own stream ${sequence(perJob)}`);
    }
    // What it should have ended as: a cancel answered 202 wins; else the plan.
    const expected = a.cancel?.status === 202 ? 'KILLED' : a.plan.expected;
    const end = perJob.find((e) => TERMINAL.has(e.to));
    if (a.cancel?.status === 202 && end) cancelToEnd.push(Date.parse(end.at) - a.cancel.at);
    if (a.cancel?.status === 202 && state !== 'KILLED') {
      // CANCELLING, then the script's own end won the race with the kill: allowed, but it shows how
      // long a cancel took to reach YARN.
      const delay = end ? `${((Date.parse(end.at) - a.cancel.at) / 1000).toFixed(1)} s after the cancel` : '';
      outcomes.push(`cancelled→${state}`);
      add('cancels that did not end KILLED', a.id, `ended ${state} ${delay} (script: sleep ${a.plan.sleepS}); own stream ${timedSequence(perJob)}${faultsDuring(c.faults, a.plan.region, perJob)}`);
    } else if (state !== expected && !(a.cancel?.status === 200)) {
      outcomes.push(`${expected}→${state}${job.error?.code ? `(${job.error.code})` : ''}`);
      add('unexpected outcomes', a.id, `expected ${expected}${a.plan.timeoutS ? ` (timeout ${a.plan.timeoutS} s, sleep ${a.plan.sleepS} s)` : ''}, ${evidence}; ${job.error?.message ? `error: ${String(job.error.message).slice(0, 160)}` : ''}`);
    }
    const recordApp = job.application?.id ? apps.find((x) => x.id === job.application.id) : undefined;
    if (recordApp && ['SUCCEEDED', 'FAILED'].includes(state) && recordApp.finalStatus !== state && recordApp.finalStatus !== 'UNDEFINED') {
      disagree += 1;
      add('job/app disagreements', a.id, `job ${state}, its application ${recordApp.id} ${recordApp.state}/${recordApp.finalStatus}`);
    }
  }

  // Orphans: an application still alive whose job is terminal, or that no accepted job owns.
  let orphans = 0;
  for (const app of allApps.filter((x) => ALIVE_APP_STATES.has(x.state))) {
    const owner = [...byJob.entries()].find(([, list]) => list.includes(app))?.[0];
    const job = owner ? c.finalJobs.get(owner) : undefined;
    if (owner && job && !TERMINAL.has(job.state)) continue; // a lost job's app: counted as lost
    orphans += 1;
    add('orphan applications', owner ?? '(no known job)', `${app.id} ${app.state}, tags ${app.tags.join(',')}; job ${job ? `${job.state}, own stream ${sequence(c.perJob.get(owner!) ?? [])}` : 'unknown'}`);
  }

  for (const g of c.ghosts) {
    add('ghost jobs', g.id, `recorded as ${g.state} but the client was never told it was accepted (plan ${g.labels?.plan}); apps: ${appLine(byJob.get(g.id) ?? [])}`);
  }
  examples['slowest cancels'] = c.accepted.filter((a) => a.cancel?.status === 202)
    .map((a) => ({ a, end: (c.perJob.get(a.id) ?? []).find((e) => TERMINAL.has(e.to)) }))
    .filter((x) => x.end).sort((x, y) => (Date.parse(y.end!.at) - y.a.cancel!.at) - (Date.parse(x.end!.at) - x.a.cancel!.at)).slice(0, 3)
    .map(({ a, end }) => ({ jobId: a.id, detail: `${((Date.parse(end!.at) - a.cancel!.at) / 1000).toFixed(1)} s from the cancel's 202 to ${end!.to}; own stream ${timedSequence(c.perJob.get(a.id) ?? [])}${faultsDuring(c.faults, a.plan.region, c.perJob.get(a.id) ?? [])}` }));
  const selfExits = c.workerExits.filter((e) => !e.killedByHarness);
  for (const e of selfExits) {
    add('worker exits by themselves', e.region, `${new Date(e.at).toISOString()} code ${e.code} signal ${e.signal}; last lines: ${e.tail.slice(-3).join(' | ').slice(0, 600)}`);
  }

  const rec = recoveries(c.faults, c.allGlobal);
  const byKind: ChaosReport['recovery']['byKind'] = {};
  for (const r of rec) {
    const k = (byKind[r.fault.kind] ??= { longestMs: null, count: 0, unmeasured: 0 });
    k.count += 1;
    if (r.ms === null) k.unmeasured += 1; // cut short by the next fault in the region, or no work after it
    else k.longestMs = Math.max(k.longestMs ?? 0, r.ms);
  }
  const measured = rec.filter((r) => r.ms !== null).map((r) => r.ms as number);
  examples['slowest recoveries'] = rec.filter((r) => r.ms !== null).sort((a, b) => (b.ms as number) - (a.ms as number)).slice(0, 3).map((r) => ({
    jobId: `${r.fault.kind} ${r.fault.regions.join(',')}`,
    detail: `${((r.ms as number) / 1000).toFixed(1)} s until ${r.region} processed a job again; at +${((r.fault.downAt - c.startedAt) / 1000).toFixed(1)} s (${r.fault.detail})`,
  }));

  // How long a SIGKILLed worker took to serve again: the supervisor's delay plus the process's start.
  const restartMs: number[] = [];
  for (const e of c.workerExits) {
    const next = c.workerReadyAt.find((w) => w.region === e.region)?.at.find((t) => t > e.at);
    if (next !== undefined) restartMs.push(next - e.at);
  }
  restartMs.sort((a, b) => a - b);

  const redisFault = c.faults.find((f) => f.kind === 'redis-kill');
  let apiDuring: ChaosReport['apiDuringRedisOutage'] = null;
  if (redisFault) {
    const during = c.calls.filter((x) => x.at >= redisFault.downAt && x.at < redisFault.upAt);
    apiDuring = {
      calls: during.length,
      maxMs: Math.max(0, ...during.map((x) => x.ms)),
      over2s: during.filter((x) => x.ms > 2000).length,
      noAnswer: during.filter((x) => x.status === 0).length,
      statuses: count(during.map((x) => (x.status ? String(x.status) : `no answer: ${x.error}`))),
    };
  }

  const report: ChaosReport = {
    seed: c.seed, yarn: c.yarn, regions: c.regions, durationS: (Date.now() - c.startedAt) / 1000,
    submitted: c.submitted, accepted: c.accepted.length,
    acceptedOnRetry: c.accepted.filter((a) => a.acceptStatus === 200).length,
    refused: c.refused.length,
    refusalAnswers: count(c.refusalAnswers.map((s) => (s ? String(s) : 'no answer'))),
    terminal: count(terminal), lost, duplicateApplications: dup, orphanApplications: orphans, wrongTerminalEvents: wrongTerm,
    unexpectedOutcomes: count(outcomes), brokenEventChains: broken, jobAppDisagreements: disagree, jobsWithoutApplication: noApp,
    ghostJobs: c.ghosts.length, unknownApplications: unknown.length, cancels: count(cancels),
    faults: {
      workerKills: c.faults.filter((f) => f.kind === 'worker-kill').length,
      redisKills: c.faults.filter((f) => f.kind === 'redis-kill').length,
      rmRestarts: c.faults.filter((f) => f.kind === 'rm-restart').length,
    },
    recovery: { longestMs: measured.length ? Math.max(...measured) : null, byKind },
    workerRestartMs: { median: restartMs[Math.floor(restartMs.length / 2)] ?? null, max: restartMs.at(-1) ?? null },
    cancelToEndMs: { median: cancelToEnd.sort((a, b) => a - b)[Math.floor(cancelToEnd.length / 2)] ?? null, max: cancelToEnd.at(-1) ?? null },
    apiDuringRedisOutage: apiDuring,
    workerExitsByThemselves: selfExits.length,
    forcedStopsAtEnd: c.forcedStops,
    examples, timeline: c.faults, ok: false, scratch: c.scratch,
  };
  report.ok = lost === 0 && dup === 0 && orphans === 0 && wrongTerm === 0;
  return report;
}
