// The rollout gate's one rule (decide), its hash, and the shadow report, without servers.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseJobSpec, type JobSpec } from '../../src/jobs/index.ts';
import { decide, rolloutBucket, rolloutKeyOf, shadowReport, type RolloutConfig } from '../../src/rollout/index.ts';
import type { Region } from '../../src/regions/index.ts';

const canary = (c: Partial<RolloutConfig['canary']>): RolloutConfig => ({ mode: 'canary', canary: { teams: [], dags: [], tasks: [], percent: 0, ...c } });

test('the bucket of a key never changes: an upgrade must not move tasks across the canary line', () => {
  // Pinned: changing the hash would silently reshuffle every region's canary.
  assert.equal(rolloutBucket('search_index/build'), 5391);
  assert.equal(rolloutBucket('etl/load'), 9143);
});

test('the rollout key: rolloutKey, else dag/task, else the DAG, else none', () => {
  assert.equal(rolloutKeyOf({ dag: 'd', task: 't', rolloutKey: 'k' }), 'k');
  assert.equal(rolloutKeyOf({ dag: 'd', task: 't' }), 'd/t');
  assert.equal(rolloutKeyOf({ dag: 'd' }), 'd');
  assert.equal(rolloutKeyOf({ team: 'x', task: 't' }), null);
});

test('each mode routes as documented', () => {
  const s = { team: 'a', dag: 'd', task: 't' };
  assert.equal(decide({ mode: 'on', canary: canary({}).canary }, s).route, 'sluice');
  assert.equal(decide({ mode: 'off', canary: canary({}).canary }, s).route, 'legacy');
  assert.equal(decide({ mode: 'shadow', canary: canary({}).canary }, s).route, 'shadow');
  assert.equal(decide(canary({}), s).route, 'legacy');
  assert.equal(decide(canary({ teams: ['a'] }), s).route, 'sluice');
  assert.equal(decide(canary({ dags: ['d'] }), s).route, 'sluice');
  assert.equal(decide(canary({ tasks: ['d/t'] }), s).route, 'sluice');
  assert.equal(decide(canary({ tasks: ['other/t'] }), s).route, 'legacy', 'a task id counts only within its DAG');
  assert.equal(decide(canary({ percent: 100 }), s).route, 'sluice');
  assert.equal(decide(canary({ percent: 100 }), { team: 'a' }).route, 'legacy', 'no key: the percentage cannot pick it');
  assert.match(decide(canary({ percent: 100 }), { team: 'a' }).reason, /no rollout key/);
});

test('raising the percentage only adds keys', () => {
  const keys = Array.from({ length: 2000 }, (_, i) => ({ dag: 'd', task: `t${i}` }));
  let previous = new Set<string>();
  for (const percent of [0, 1, 5, 10, 25, 50, 99.99, 100]) {
    const inside = new Set(keys.filter((k) => decide(canary({ percent }), k).route === 'sluice').map((k) => k.task));
    for (const k of previous) assert.ok(inside.has(k), `${k} left the canary when it grew to ${percent}%`);
    // The share is about right (2000 keys: within a few points).
    assert.ok(Math.abs(inside.size / keys.length - percent / 100) < 0.04, `${percent}%: ${inside.size} of ${keys.length}`);
    previous = inside;
  }
});

const region = {
  name: 'r1',
  yarn: { queue: 'default', limits: { memoryMb: 4096, vcores: 4, timeoutSeconds: 3600 } },
  preflight: { intervalSeconds: 30, checks: [{ name: 'rm', type: 'yarn-rm', critical: false }, { name: 'sts', type: 'sts', critical: false }] },
} as unknown as Region;
const spec = (extra: Record<string, unknown> = {}): JobSpec => {
  const parsed = parseJobSpec({ region: 'r1', name: 'n', kind: 'shell', script: 'true', ...extra });
  assert.ok(parsed.ok);
  return parsed.spec;
};
const now = Date.parse('2026-12-02T12:00:00Z');
const result = (name: string, ok: boolean, at = '2026-12-02T11:59:50Z') => ({ name, type: 'x', ok, code: ok ? 'OK' : 'CONNECT_TIMEOUT', message: ok ? 'fine' : 'timed out', latencyMs: 1, at });

test('shadow report: would run when nothing stands in the way', () => {
  const r = shadowReport(spec(), region, { intake: 'open', checks: [result('rm', true)], queues: { names: ['default', 'etl'], at: '2026-12-02T11:58:00Z' } }, now);
  assert.deepEqual(r, { wouldRun: true, findings: [], queue: { name: 'default', known: true }, checkedAt: '2026-12-02T12:00:00.000Z' });
});

test('shadow report: each reason it would not run', () => {
  const codes = (s: JobSpec, h: Parameters<typeof shadowReport>[2]) => shadowReport(s, region, h, now).findings.map((f) => f.code);
  assert.deepEqual(codes(spec(), { intake: 'unknown', checks: [] }), ['NO_WORKER']);
  assert.deepEqual(codes(spec(), { intake: 'open', checks: [result('rm', true, '2026-12-02T10:00:00Z')] }), ['NO_WORKER'], 'results hours old: the worker is gone');
  assert.deepEqual(codes(spec(), { intake: 'paused', checks: [result('rm', false)] }), ['INTAKE_PAUSED']);
  assert.deepEqual(codes(spec({ requires: ['sts'] }), { intake: 'open', checks: [result('rm', true), result('sts', false)] }), ['CHECK_FAILING']);
  assert.deepEqual(codes(spec({ requires: ['vault'] }), { intake: 'open', checks: [result('rm', true)] }), ['UNKNOWN_CHECK']);
  assert.deepEqual(codes(spec({ resources: { memoryMb: 8192 }, timeoutSeconds: 7200 }), { intake: 'open', checks: [result('rm', true)] }), ['LIMIT_EXCEEDED', 'LIMIT_EXCEEDED']);
  const q = shadowReport(spec({ queue: 'nope' }), region, { intake: 'open', checks: [result('rm', true)], queues: { names: ['default'], at: '2026-12-02T11:58:00Z' } }, now);
  assert.deepEqual(q.findings.map((f) => f.code), ['UNKNOWN_QUEUE']);
  assert.deepEqual(q.queue, { name: 'nope', known: false });
  assert.equal(shadowReport(spec({ queue: 'nope' }), region, { intake: 'open', checks: [] }, now).queue.known, null, 'the RM has not said: unknown, not a finding');
  const stale = shadowReport(spec({ queue: 'nope' }), region, { intake: 'open', checks: [], queues: { names: ['default'], at: '2026-12-02T10:00:00Z' } }, now);
  assert.deepEqual([stale.queue.known, stale.findings], [null, []], 'a list hours old is not evidence');
});
