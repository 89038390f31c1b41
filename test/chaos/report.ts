// The chaos run's verdict: the counters the issue asks for (accepted, terminal per state, lost,
// duplicate applications, orphans, terminal-event counts, longest recovery) plus what explains a
// failure (event sequences, the fault that came before, API behaviour during the Redis outage).

import type { Fault } from './faults.ts';

export interface Example { jobId: string; detail: string }

export interface ChaosReport {
  seed: number;
  yarn: 'emulator' | 'real-yarn';
  regions: string[];
  durationS: number;
  submitted: number;
  accepted: number;
  acceptedOnRetry: number;
  refused: number;
  refusalAnswers: Record<string, number>;
  terminal: Record<string, number>;
  lost: number;
  duplicateApplications: number;
  orphanApplications: number;
  wrongTerminalEvents: number;
  /** Informational. */
  unexpectedOutcomes: Record<string, number>;
  brokenEventChains: number;
  jobAppDisagreements: number;
  jobsWithoutApplication: number;
  ghostJobs: number;
  unknownApplications: number;
  cancels: Record<string, number>;
  faults: { workerKills: number; redisKills: number; rmRestarts: number };
  recovery: { longestMs: number | null; byKind: Record<string, { longestMs: number | null; count: number; unmeasured: number }> };
  /** From a worker's SIGKILL to its successor's "region worker started". */
  workerRestartMs: { median: number | null; max: number | null };
  /** From a cancel answered 202 to the job's terminal event. */
  cancelToEndMs: { median: number | null; max: number | null };
  apiDuringRedisOutage: { calls: number; maxMs: number; over2s: number; noAnswer: number; statuses: Record<string, number> } | null;
  workerExitsByThemselves: number;
  forcedStopsAtEnd: string[];
  examples: Record<string, Example[]>;
  timeline: Fault[];
  ok: boolean;
  scratch: string | null;
}

const fmt = (r: Record<string, number>): string => Object.entries(r).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
const ms = (v: number | null): string => (v === null ? 'n/a' : `${(v / 1000).toFixed(1)} s`);

/** What fails the run; its examples are always shown in full (10), the others briefly unless verbose. */
const FAILING = new Set(['lost', 'duplicate applications', 'orphan applications', 'wrong terminal-event count']);

export function renderReport(r: ChaosReport, verbose = false): string {
  const mark = (n: number): string => (n === 0 ? `${n}` : `${n}  ✗`);
  const lines = [
    `Sluice chaos run — seed ${r.seed}, ${r.yarn}, regions ${r.regions.join(', ')}, ${r.durationS.toFixed(0)} s`,
    `  faults: ${r.faults.workerKills} worker SIGKILLs, ${r.faults.redisKills} Redis SIGKILL, ${r.faults.rmRestarts} RM restart`,
    `  submitted ${r.submitted}: accepted ${r.accepted} (${r.acceptedOnRetry} of them 200 on a retry), refused ${r.refused}`,
    `    answers that were not 202/200 (retried): ${fmt(r.refusalAnswers)}`,
    `  terminal: ${fmt(r.terminal)}`,
    `  cancels: ${fmt(r.cancels)}`,
    '',
    `  lost (accepted, never terminal)          ${mark(r.lost)}`,
    `  duplicate applications (jobs with >1)    ${mark(r.duplicateApplications)}`,
    `  orphan applications alive at the end     ${mark(r.orphanApplications)}`,
    `  jobs without exactly one terminal event  ${mark(r.wrongTerminalEvents)}`,
    '',
    `  longest recovery: ${ms(r.recovery.longestMs)}  (${Object.entries(r.recovery.byKind).map(([k, v]) => `${k}: ${ms(v.longestMs)} over ${v.count}${v.unmeasured ? `, ${v.unmeasured} cut short by the next fault` : ''}`).join('; ')})`,
  ];
  lines.push(`  worker restart (SIGKILL → serving): median ${ms(r.workerRestartMs.median)}, max ${ms(r.workerRestartMs.max)};`
    + ` cancel (202 → terminal): median ${ms(r.cancelToEndMs.median)}, max ${ms(r.cancelToEndMs.max)}`);
  if (r.apiDuringRedisOutage) {
    const a = r.apiDuringRedisOutage;
    lines.push(`  API while Redis was down: ${a.calls} calls, slowest ${a.maxMs} ms, ${a.over2s} over 2 s, ${a.noAnswer} without answer; ${fmt(a.statuses)}`);
  }
  lines.push(
    `  informational: unexpected outcomes ${fmt(r.unexpectedOutcomes)}; event chains broken ${r.brokenEventChains};`
      + ` job/app disagreements ${r.jobAppDisagreements}; ghost jobs ${r.ghostJobs}; apps of unknown jobs ${r.unknownApplications};`
      + ` worker exits by themselves ${r.workerExitsByThemselves}; processes needing SIGKILL at the end ${r.forcedStopsAtEnd.length}`,
  );
  for (const [what, list] of Object.entries(r.examples)) {
    if (list.length === 0) continue;
    const shown = FAILING.has(what) || verbose ? 10 : 2;
    lines.push('', `  ${what} (${list.length > shown ? `first ${shown} of ${list.length}` : list.length}):`);
    for (const e of list.slice(0, shown)) lines.push(`    ${e.jobId}: ${e.detail}`);
  }
  if (r.forcedStopsAtEnd.length) lines.push('', `  needed SIGKILL after SIGTERM at the end: ${r.forcedStopsAtEnd.join(', ')}`);
  lines.push('', r.ok ? '  PASS' : '  FAIL', ...(r.scratch ? [`  logs: ${r.scratch}`] : []));
  return lines.join('\n');
}
