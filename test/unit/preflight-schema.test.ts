// The preflight block of a region file, which checks a job must wait for, and the bound every
// check runs under (a check can never run past its timeout, whatever its body does).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkDefinition, isRequired, preflightConfig } from '../../src/preflight/index.ts';
import { runBounded } from '../../src/preflight/check-result.ts';
import type { Routing } from '../../src/routing/index.ts';

describe('preflightConfig', () => {
  it('accepts the region file example and fills defaults', () => {
    const p = preflightConfig.parse({
      intervalSeconds: 30,
      checks: [
        { name: 'rm', type: 'yarn-rm' },
        { name: 'sts', type: 'sts', endpoint: 'https://sts.us-east-1.amazonaws.com', expectAccount: '123456789012' },
        { name: 'kms', type: 'tcp', host: 'kms.us-east-1.amazonaws.com', port: 443 },
        { name: 'web', type: 'https', url: 'https://example.internal/health', expectStatus: 204, critical: true },
      ],
    });
    assert.equal(p.deadlineSeconds, 300);
    assert.deepEqual(p.checks.map((c) => c.type === 'yarn-rm' ? 'always' : c.critical), ['always', false, false, true]);
  });

  it('defaults everything', () => {
    assert.deepEqual(preflightConfig.parse({}), { intervalSeconds: 30, deadlineSeconds: 300, checks: [] });
  });

  it('refuses two checks with one name', () => {
    const r = preflightConfig.safeParse({ checks: [{ name: 'rm', type: 'yarn-rm' }, { name: 'rm', type: 'tcp', host: 'a', port: 1 }] });
    assert.equal(r.success, false);
    assert.deepEqual(r.error!.issues[0]!.path, ['checks', 1, 'name']);
  });

  const bad: Array<[string, unknown]> = [
    ['an unknown type', { name: 'x', type: 'ping', host: 'a' }],
    ['an unknown field', { name: 'rm', type: 'yarn-rm', critical: true }],
    ['an http URL for https', { name: 'x', type: 'https', url: 'http://a/' }],
    ['a port out of range', { name: 'x', type: 'tcp', host: 'a', port: 70000 }],
    ['a short account id', { name: 'x', type: 'sts', endpoint: 'https://sts', expectAccount: '1234' }],
    ['a name with spaces', { name: 'my check', type: 'yarn-rm' }],
  ];
  for (const [what, def] of bad) {
    it(`rejects ${what}`, () => assert.equal(checkDefinition.safeParse(def).success, false));
  }

  it('yarn-rm and critical checks are required by every job; others by the jobs naming them', () => {
    const [rm, sts, web] = preflightConfig.parse({ checks: [
      { name: 'rm', type: 'yarn-rm' },
      { name: 'sts', type: 'sts', endpoint: 'https://sts' },
      { name: 'web', type: 'https', url: 'https://w/', critical: true },
    ] }).checks;
    assert.deepEqual([rm, sts, web].map((c) => isRequired(c!)), [true, false, true]);
    assert.equal(isRequired(sts!, ['sts']), true);
  });
});

describe('runBounded', () => {
  const ctx = (timeoutMs: number, signal?: AbortSignal) => ({ routing: {} as Routing, timeoutMs, signal });
  const check = { name: 'c', type: 'tcp' as const };

  it('a body that ignores its signal is cut off at the bound: CHECK_TIMEOUT', async () => {
    const started = performance.now();
    const r = await runBounded(check, ctx(100), 't:1', () => new Promise(() => {}));
    const elapsed = performance.now() - started;
    assert.equal(r.code, 'CHECK_TIMEOUT');
    assert.equal(r.ok, false);
    assert.ok(elapsed >= 95 && elapsed < 400, `took ${elapsed} ms`);
  });

  it('the caller aborting gives ABORTED', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const r = await runBounded(check, ctx(5000, controller.signal), 't:1', () => new Promise(() => {}));
    assert.equal(r.code, 'ABORTED');
  });

  it('a thrown bug is CHECK_ERROR, never an exception', async () => {
    const r = await runBounded(check, ctx(1000), 't:1', () => { throw new TypeError('oops'); });
    assert.deepEqual([r.code, r.message], ['CHECK_ERROR', 'oops']);
  });

  it('a transport failure keeps its routing code and names the target', async () => {
    const r = await runBounded(check, ctx(1000), 'kms:443', async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.9:443'), { code: 'ECONNREFUSED' });
    });
    assert.deepEqual([r.code, r.message], ['CONNECTION_REFUSED', 'kms:443: connect ECONNREFUSED 10.0.0.9:443']);
  });

  it('reports name, type, latency and the start time', async () => {
    const before = Date.now();
    const r = await runBounded(check, ctx(1000), 't:1', async () => ({ code: 'OK', message: 'fine' }));
    assert.deepEqual({ ...r, latencyMs: 0, at: '' }, { name: 'c', type: 'tcp', ok: true, code: 'OK', message: 'fine', latencyMs: 0, at: '' });
    assert.ok(Date.parse(r.at) >= before - 1 && Number.isInteger(r.latencyMs));
  });
});
