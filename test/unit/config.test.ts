import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../src/config/config.ts';

test('defaults, then config/<env>.json, then environment variables', () => {
  const c = loadConfig({ env: { NODE_ENV: 'test', SLUICE_HTTP_PORT: '9999' } });
  assert.equal(c.http.port, 9999);
  assert.equal(c.log.level, 'silent'); // from config/test.json
  assert.equal(c.redis.namespace, 'sluice');
  assert.ok(Object.isFrozen(c.http));
});

test('tokens come as JSON and are checked', () => {
  const c = loadConfig({ env: { NODE_ENV: 'test', SLUICE_TOKENS: '[{"token":"abcdefgh1","principal":"p","regions":["*"]}]' } });
  assert.deepEqual(c.auth.tokens, [{ token: 'abcdefgh1', principal: 'p', regions: ['*'], admin: false }]);
  assert.throws(() => loadConfig({ env: { NODE_ENV: 'test', SLUICE_TOKENS: '[{"token":"short","principal":"p","regions":[]}]' } }), /token must be a string of at least 8/);
});

test('a bad value names the setting', () => {
  assert.throws(() => loadConfig({ env: { NODE_ENV: 'test', SLUICE_HTTP_PORT: 'eighty' } }), /http\.port/);
  assert.throws(() => loadConfig({ env: { NODE_ENV: 'staging' } }), /env/);
});

test('intervals and the retention period are at least 1: 0 would be a hot loop or an instant expiry', () => {
  for (const [name, setting] of [['SLUICE_RECONCILE_INTERVAL_SECONDS', 'reconcile.intervalSeconds'], ['SLUICE_RETENTION_DAYS', 'retention.days'], ['SLUICE_RETENTION_SWEEP_INTERVAL_SECONDS', 'retention.sweepIntervalSeconds']]) {
    assert.throws(() => loadConfig({ env: { NODE_ENV: 'test', [name!]: '0' } }), new RegExp(`${setting!.replace('.', '\\.')}: must be an integer ≥ 1`));
  }
  const c = loadConfig({ env: { NODE_ENV: 'test', SLUICE_RETENTION_DAYS: '7' } });
  assert.deepEqual([c.retention.days, c.reconcile.intervalSeconds, c.reconcile.graceSeconds], [7, 30, 60]);
});
