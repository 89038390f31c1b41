// CI's chaos run (issue 7, item 9): the short mode of `npm run chaos` — 150 jobs over 3 emulated
// regions while workers are SIGKILLed every ~2 s, Redis is SIGKILLed once and an RM restarts once —
// must lose nothing, duplicate nothing, leave no orphan application and give every job exactly one
// terminal event. First, the harness proves its own counting on planted defects. It starts its own
// Redis (it has to kill it), so the suite's Redis is not used.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import type { ChaosReport } from '../chaos/report.ts';

const REPO = resolve(import.meta.dirname, '../..');

/** Runs the chaos harness with `args`; its exit code, its output and its JSON report. */
async function runChaos(args: string[]): Promise<{ code: number | null; output: string; report: ChaosReport | null }> {
  const dir = mkdtempSync(join(tmpdir(), 'chaos-short-'));
  const reportFile = join(dir, 'report.json');
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'test/chaos/chaos.ts'), ...args, '--report-json', reportFile], {
      cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    let report: ChaosReport | null = null;
    try {
      report = JSON.parse(readFileSync(reportFile, 'utf8')) as ChaosReport;
    } catch {
      // the harness failed before writing its report: the assertions show its output
    }
    return { code, output, report };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const counters = (r: ChaosReport) => ({
  lost: r.lost, duplicateApplications: r.duplicateApplications,
  orphanApplications: r.orphanApplications, wrongTerminalEvents: r.wrongTerminalEvents,
});

test('the harness counts what it must: one planted defect of each kind is reported once, exit 1', { timeout: 120_000 }, async () => {
  const { code, output, report } = await runChaos([
    '--jobs', '24', '--seed', '7', '--kill-every-ms', '0', '--redis-down-ms', '1000', '--rm-down-ms', '500',
    '--self-check', '--drain-s', '60', '--settle-s', '3',
  ]);
  assert.ok(report, `no report:\n${output}`);
  assert.deepEqual(counters(report), { lost: 1, duplicateApplications: 1, orphanApplications: 1, wrongTerminalEvents: 1 }, output);
  assert.equal(code, 1, output);
});

test('chaos run, short: 0 lost, 0 duplicate, 0 orphan, one terminal event per job', { timeout: 240_000 }, async () => {
  const { code, output, report } = await runChaos([
    '--jobs', '150', '--seed', process.env.SLUICE_CHAOS_SEED ?? '20261125', '--drain-s', '60', '--settle-s', '30',
  ]);
  assert.notEqual(code, 2, `the chaos harness itself failed:\n${output}`);
  assert.ok(report && report.accepted > 0, output);
  assert.equal(report.faults.redisKills, 1, 'Redis was SIGKILLed once');
  assert.equal(report.faults.rmRestarts, 1, 'an RM restarted once');
  assert.ok(report.faults.workerKills >= 5, `workers were SIGKILLed (${report.faults.workerKills})`);
  assert.deepEqual(counters(report), { lost: 0, duplicateApplications: 0, orphanApplications: 0, wrongTerminalEvents: 0 }, output);
  assert.equal(code, 0, output);
});
