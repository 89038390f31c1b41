// Webhook failures: a receiver that never answers gets the subscription disabled (the event, the
// listing, no more deliveries); the SSRF guard refuses a name that resolves to loopback unless it
// is allowed, and literal forbidden IPs at create time; a redirect is never followed; and the
// runtime's close() returns quickly while its Redis is down.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { buildApiDeps, startApiWebhooks } from '../../src/api/api-deps.ts';
import { loadConfig } from '../../src/config/config.ts';
import { startLocalRedis } from '../../src/dev/local-redis.ts';
import { createLogger } from '../../src/log.ts';
import { connectRedis, waitUntilReady } from '../../src/redis/index.ts';
import { loadRegions } from '../../src/regions/index.ts';
import { cliEnv, describe, runSluice } from '../support/cli.ts';
import { PythonReceiver, silentServer } from '../support/webhook-receiver.ts';
import { ADMIN_TOKEN, REPO, Stack } from '../support/stack.ts';
import { waitFor } from '../support/wait-for.ts';

const FAST = {
  SLUICE_WEBHOOKS_BACKOFF_BASE_MS: '100',
  SLUICE_WEBHOOKS_BACKOFF_MAX_MS: '300',
  SLUICE_WEBHOOKS_RETRY_WINDOW_SECONDS: '30',
  SLUICE_WEBHOOKS_TIMEOUT_MS: '300',
  SLUICE_WEBHOOKS_DISABLE_AFTER_FAILURES: '3',
};
let allowed: Stack;
let guarded: Stack;
const cleanups: (() => Promise<unknown>)[] = [];

before(async () => {
  // No region workers: rollout changes (admin PUTs) make the events.
  [allowed, guarded] = await Promise.all([
    Stack.start({ regions: ['ra'], startWorkers: false, webhooks: true, env: { ...FAST, SLUICE_WEBHOOKS_ALLOWED_NETWORKS: '127.0.0.1/32' } }),
    Stack.start({ regions: ['ra'], startWorkers: false, webhooks: true, env: FAST }),
  ]);
});

after(async () => {
  for (const c of cleanups) await c().catch(() => {});
  await Promise.allSettled([allowed?.close(), guarded?.close()]);
});

let rolloutFlip = 0;
function rolloutChange(stack: Stack) {
  rolloutFlip++;
  return stack.request('PUT', '/v1/regions/ra/rollout', { body: { mode: rolloutFlip % 2 ? 'shadow' : 'on', reason: `test ${rolloutFlip}` } });
}

async function subscribe(stack: Stack, url: string, filter: Record<string, unknown> = {}) {
  const res = await stack.request('POST', '/v1/webhooks', { body: { url, filter } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as { id: string; secret: string };
}

const attemptsOf = async (stack: Stack, id: string) => (await stack.request('GET', `/v1/webhooks/${id}`)).body.attempts as any[];

test('a receiver that never answers: attempts time out, the subscription is disabled, said and listed, and gets nothing more', async () => {
  const silent = await silentServer();
  cleanups.push(silent.close);
  const { id } = await subscribe(allowed, `http://127.0.0.1:${silent.port}/hook?token=s3cret`, { types: ['region.rollout_changed'] });
  assert.equal((await rolloutChange(allowed)).status, 200);
  const sub = await waitFor(async () => {
    const res = await allowed.request('GET', `/v1/webhooks/${id}`);
    return res.body.enabled === false ? res.body : null;
  }, { what: 'the subscription disabled after 3 timed-out attempts', timeoutMs: 10_000 });
  assert.equal(sub.consecutiveFailures, 3);
  assert.match(sub.disabledReason, /3 delivery attempts in a row failed; the last: no answer within 300 ms/);
  assert.deepEqual(sub.attempts.map((a: any) => a.outcome), ['failed', 'retrying', 'retrying']);
  assert.ok(sub.attempts.every((a: any) => a.status === null && a.latencyMs >= 250), JSON.stringify(sub.attempts));
  assert.equal(silent.requests(), 3);

  const events = await allowed.redis.xrange(`${allowed.ns}:events`, '-', '+');
  const disabled = events.map(([, flat]) => flat).filter((flat) => flat[flat.indexOf('type') + 1] === 'webhook.subscription_disabled');
  assert.equal(disabled.length, 1);
  const field = (name: string) => disabled[0]![disabled[0]!.indexOf(name) + 1];
  assert.equal(field('subscriptionId'), id);
  assert.equal(field('url'), `http://127.0.0.1:${silent.port}/hook`, 'no query string in the event');

  const env = cliEnv({ SLUICE_URL: allowed.api, SLUICE_TOKEN: ADMIN_TOKEN });
  const ls = await runSluice(['webhooks', 'ls'], env);
  assert.equal(ls.code, 0, describe(ls));
  const line = ls.stdout.split('\n').find((l) => l.includes(id));
  assert.match(line ?? '', /DISABLED \(3 delivery attempts in a row failed/, describe(ls));

  assert.equal((await rolloutChange(allowed)).status, 200);
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(silent.requests(), 3, 'a disabled subscription gets no more deliveries');
  assert.equal((await allowed.request('POST', `/v1/webhooks/${id}/test`)).body.error.code, 'WEBHOOK_DISABLED');

  // Re-enabled: failures reset, deliveries resume.
  const enabled = await runSluice(['webhooks', 'enable', id], env);
  assert.equal(enabled.code, 0, describe(enabled));
  const after = (await allowed.request('GET', `/v1/webhooks/${id}`)).body;
  assert.equal(after.enabled, true);
  assert.equal(after.consecutiveFailures, 0);
  assert.equal(after.disabledReason, null);
  assert.equal((await rolloutChange(allowed)).status, 200);
  await waitFor(() => silent.requests() > 3, { what: 'a delivery attempt after re-enabling' });
  await allowed.request('DELETE', `/v1/webhooks/${id}`);
});

test('SSRF guard: a name resolving to loopback is refused at delivery unless allowed; the receiver gets nothing', async () => {
  const r = await PythonReceiver.start();
  cleanups.push(() => r.stop());
  const { id, secret } = await subscribe(guarded, r.url('/hook', 'localhost'));
  r.setSecret(secret);
  const { webhookId } = (await guarded.request('POST', `/v1/webhooks/${id}/test`)).body;
  const attempts = await waitFor(async () => {
    const a = await attemptsOf(guarded, id);
    return a.length ? a : null;
  }, { what: 'the first attempt logged' });
  assert.equal(attempts[0].webhookId, webhookId);
  assert.equal(attempts[0].outcome, 'refused');
  assert.equal(attempts[0].status, null);
  assert.match(attempts[0].error, /^webhook url resolves to (127\.0\.0\.1|::1), a loopback address; allow it with SLUICE_WEBHOOKS_ALLOWED_NETWORKS$/);
  await guarded.request('DELETE', `/v1/webhooks/${id}`);
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(r.messages, [], 'nothing reached the receiver');
});

test('SSRF guard: a literal forbidden IP is refused at create time, naming body.url', async () => {
  for (const url of ['http://127.0.0.1:8080/', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/', 'http://10.0.0.1/', 'http://[::ffff:127.0.0.1]/']) {
    const res = await guarded.request('POST', '/v1/webhooks', { body: { url } });
    assert.equal(res.status, 400, url);
    assert.equal(res.body.error.code, 'INVALID_REQUEST');
    assert.deepEqual(res.body.error.issues.map((i: any) => i.path.join('.')), ['body.url'], url);
    assert.match(res.body.error.issues[0].message, /allow it with SLUICE_WEBHOOKS_ALLOWED_NETWORKS/);
  }
  // Allowed there: the other stack takes it.
  const ok = await allowed.request('POST', '/v1/webhooks', { body: { url: 'http://127.0.0.1:9/' } });
  assert.equal(ok.status, 201);
  await allowed.request('DELETE', `/v1/webhooks/${ok.body.id}`);
});

test('a redirect is not followed: it counts as a failed attempt, and its target gets nothing', async () => {
  const target = await PythonReceiver.start();
  cleanups.push(() => target.stop());
  const redirecting = await PythonReceiver.start({ redirectTo: target.url('/elsewhere') });
  cleanups.push(() => redirecting.stop());
  const { id, secret } = await subscribe(allowed, redirecting.url());
  redirecting.setSecret(secret);
  target.setSecret(secret);
  await allowed.request('POST', `/v1/webhooks/${id}/test`);
  const attempts = await waitFor(async () => {
    const a = await attemptsOf(allowed, id);
    return a.length ? a : null;
  }, { what: 'the first attempt logged' });
  assert.equal(attempts.at(-1).status, 307);
  assert.equal(attempts.at(-1).outcome, 'retrying');
  assert.match(attempts.at(-1).error, /redirect to http:\/\/127\.0\.0\.1:\d+\/elsewhere\): redirects are not followed/);
  await allowed.request('DELETE', `/v1/webhooks/${id}`);
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(redirecting.messages.length >= 1);
  assert.deepEqual(target.messages, [], 'the redirect target was never called');
});

test('closing the webhook runtime while its Redis is down returns within a bound', async () => {
  const redis = await startLocalRedis();
  cleanups.push(() => redis.close(500));
  const config = loadConfig({ configDir: join(REPO, 'config'), env: { ...allowed.env, SLUICE_REDIS_URL: redis.url } });
  const log = createLogger('silent');
  const conn = connectRedis(redis.url, { name: 'api', role: 'request', log });
  await waitUntilReady(conn, 5000);
  const deps = buildApiDeps({ config, regions: loadRegions(config.regions.dir), redis: conn, log });
  const runtime = startApiWebhooks(deps);
  // Let the fan-out block in XREADGROUP and the worker wait for jobs.
  await waitFor(async () => (await conn.xinfo('GROUPS', `${config.redis.namespace}:events`) as unknown[]).length === 1, { what: 'the consumer group created' });
  await new Promise((r) => setTimeout(r, 300));
  redis.kill();
  await waitFor(() => conn.status !== 'ready', { what: 'the API connection sees Redis gone' });
  const started = Date.now();
  await runtime.close();
  const took = Date.now() - started;
  assert.ok(took < 3000, `close() took ${took} ms with Redis down`);
  const closeDeps = Date.now();
  await Promise.race([deps.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
  conn.disconnect();
  assert.ok(Date.now() - closeDeps < 5000);
});
