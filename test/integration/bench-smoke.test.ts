// `npm run bench -- --quick` end to end: it starts its own Redis, API, workers and emulators, runs
// every phase and writes its JSON and SVG. Checked: every figure is there and a finite number, the
// table names each, the plot is an SVG with bars. No timing is asserted (speed is what the bench
// prints, not what a test judges). Run: node --import tsx --test test/integration/bench-smoke.test.ts

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO } from '../support/stack.ts';

function runBench(outDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // Its stdin is a lifeline: if this test process dies, the bench stops and takes its processes with it.
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'bench/main.ts'), '--quick', '--out', outDir, '--stop-on-stdin-end'], {
      cwd: REPO, env: { ...process.env, NODE_ENV: undefined }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

test('npm run bench -- --quick writes every figure as a finite number, and the plot', { timeout: 5 * 60_000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), 'sluice-bench-smoke-'));
  try {
    const run = await runBench(out);
    assert.equal(run.code, 0, `the bench failed:\n${run.stderr.slice(-4000)}`);

    const results = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8'));
    const figures = results.figures as Record<string, unknown>;
    const expected = [
      'ceiling.bullmqProcessedPerSecond', 'p1.p50Ms', 'p1.p99Ms', 'p2.apiAlone.acceptedPerSecond',
      'p4.apiIdleRssMb', 'p4.workerIdleRssMb', 'p4.apiAtMaxTrackedRssMb', 'p4.workerAtMaxTrackedRssMb',
      'p4.redisCommandsPerJob.api', 'p4.redisCommandsPerJob.worker',
    ];
    for (const name of expected) assert.ok(name in figures, `figure ${name} is missing`);
    const p2 = Object.keys(figures).filter((k) => /^p2\.regions\d+\.c\d+\.submitsPerSecond$/.test(k));
    assert.ok(p2.some((k) => k.startsWith('p2.regions1.')), 'P2 with one region');
    assert.ok(p2.some((k) => !k.startsWith('p2.regions1.')), 'P2 with several regions');
    assert.ok(new Set(p2.map((k) => k.split('.')[2])).size >= 2, 'P2 at two worker concurrencies');
    for (const level of results.p3.levels as { tracked: number }[]) {
      for (const f of ['rmRequestsPerTick', 'tickMeanMs', 'sseP50Ms', 'sseP99Ms']) {
        assert.ok(`p3.tracked${level.tracked}.${f}` in figures, `P3 ${f} at ${level.tracked}`);
      }
    }
    assert.ok(results.p3.levels.length >= 2, 'P3 at more than one tracked level');
    for (const [name, value] of Object.entries(figures)) {
      assert.equal(typeof value, 'number', name);
      assert.ok(Number.isFinite(value), `${name} = ${String(value)}`);
    }
    assert.ok(Object.keys(results.p4.redis.api.byName).length > 0, 'Redis commands by name (API)');
    assert.ok(Object.keys(results.p4.redis.worker.byName).length > 0, 'Redis commands by name (worker)');

    for (const row of ['bare BullMQ processed/s', 'P1 202 → RM submit p99', 'P2 API alone', 'P3 ', 'P4 worker RSS']) {
      assert.ok(run.stdout.includes(row), `the table has "${row}"`);
    }

    const svgPath = join(out, 'bench.svg');
    assert.ok(existsSync(svgPath), 'bench.svg written');
    const svg = readFileSync(svgPath, 'utf8');
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.ok((svg.match(/<rect /g) ?? []).length >= 1 + p2.length + 2, 'a bar per throughput figure and latency figure');
    assert.ok(svg.trimEnd().endsWith('</svg>'));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
