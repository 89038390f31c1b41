// Webhook failures: a receiver that never answers gets the subscription disabled (the event, the
// listing, no more deliveries); with disableAfterSeconds, a quick burst of failures does not
// disable, failures that go on past it do; the SSRF guard refuses a name that resolves to loopback
// unless it is allowed, and literal forbidden IPs at create time; a redirect is never followed;
// close() stops a delivery in flight without counting it (its job is put back, and sent again by
// the next runtime) and removes its consumer; and with Redis down, close() returns quickly and the
// process exits by itself.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { buildApiDeps, startApiWebhooks } from '../../src/api/api-deps.ts';
import { loadConfig } from '../../src/config/config.ts';
import { startLocalRedis } from '../../src/dev/local-redis.ts';
import { createLogger } from '../../src/log.ts';
import { connectRedis, waitUntilReady } from '../../src/redis/index.ts';
import { deliveryJobOptions } from '../../src/webhooks/index.ts';
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
  // Disabled as soon as 3 fail in a row; the test of disableAfterSeconds has a stack of its own.
  SLUICE_WEBHOOKS_DISABLE_AFTER_SECONDS: '0',
};
/** Failures for more than this (and at least 3 in a row) disable a subscription of the `patient` stack. */
const PATIENT_SECONDS = 3;
let allowed: Stack;
let guarded: Stack;
let patient: Stack;
const cleanups: (() => Promise<unknown>)[] = [];

before(async () => {
  // No region workers: rollout changes (admin PUTs) make the events.
  [allowed, guarded, patient] = await Promise.all([
    Stack.start({ regions: ['ra'], startWorkers: false, webhooks: true, env: { ...FAST, SLUICE_WEBHOOKS_ALLOWED_NETWORKS: '127.0.0.1/32' } }),
    Stack.start({ regions: ['ra'], startWorkers: false, webhooks: true, env: FAST }),
    Stack.start({
      regions: ['ra'], startWorkers: false, webhooks: true,
      env: {
        ...FAST, SLUICE_WEBHOOKS_ALLOWED_NETWORKS: '127.0.0.1/32', SLUICE_WEBHOOKS_DISABLE_AFTER_SECONDS: String(PATIENT_SECONDS),
        SLUICE_WEBHOOKS_BACKOFF_BASE_MS: '50', SLUICE_WEBHOOKS_BACKOFF_MAX_MS: '100',
      },
    }),
  ]);
});

after(async () => {
  for (const c of cleanups) await c().catch(() => {});
  await Promise.allSettled([allowed?.close(), guarded?.close(), patient?.close()]);
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
  assert.equal(sub.failingSince, sub.attempts.at(-1).at, 'the streak began with the first attempt');
  assert.equal(sub.disabledReason, `3 delivery attempts in a row failed, since ${sub.failingSince}; the last: no answer within 300 ms`);
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

  // A later event, through a catch-all subscription: once it has arrived there, the disabled one
  // was passed over (the fan-out queues an event's deliveries together: none was queued for it).
  const witness = await PythonReceiver.start();
  cleanups.push(() => witness.stop());
  const catchAll = await subscribe(allowed, witness.url(), { types: ['region.rollout_changed'] });
  witness.setSecret(catchAll.secret);
  const reason = `test ${rolloutFlip + 1}`;
  assert.equal((await rolloutChange(allowed)).status, 200);
  const seen = await waitFor(() => witness.messages.find((m) => m.data.event.reason === reason), { what: 'the later event at the catch-all subscription', detail: () => witness.log() });
  assert.equal(await allowed.redis.exists(`${allowed.ns}:{bull-webhooks}:webhooks:${id}-${seen.data.event.id}`), 0, 'no delivery queued for the disabled subscription');
  assert.equal(silent.requests(), 3, 'a disabled subscription gets no more deliveries');
  await allowed.request('DELETE', `/v1/webhooks/${catchAll.id}`);
  assert.equal((await allowed.request('POST', `/v1/webhooks/${id}/test`)).body.error.code, 'WEBHOOK_DISABLED');

  // Re-enabled: failures reset, deliveries resume.
  const enabled = await runSluice(['webhooks', 'enable', id], env);
  assert.equal(enabled.code, 0, describe(enabled));
  const after = (await allowed.request('GET', `/v1/webhooks/${id}`)).body;
  assert.equal(after.enabled, true);
  assert.equal(after.consecutiveFailures, 0);
  assert.equal(after.failingSince, null);
  assert.equal(after.disabledReason, null);
  assert.equal((await rolloutChange(allowed)).status, 200);
  await waitFor(() => silent.requests() > 3, { what: 'a delivery attempt after re-enabling' });
  await allowed.request('DELETE', `/v1/webhooks/${id}`);
});

test(`disableAfterSeconds: a quick burst of failures does not disable; failures that go on past ${PATIENT_SECONDS} s do`, async () => {
  const { id } = await subscribe(patient, 'http://127.0.0.1:9/closed');
  assert.equal((await patient.request('POST', `/v1/webhooks/${id}/test`)).status, 202);
  // Refused connections, 50–100 ms apart: well over 3 failures in the first second.
  const early = await waitFor(async () => {
    const res = await patient.request('GET', `/v1/webhooks/${id}`);
    return res.body.consecutiveFailures >= 6 ? res.body : null;
  }, { what: 'six failed attempts in a row' });
  const since = Date.parse(early.failingSince);
  assert.equal(early.failingSince, early.attempts.at(-1).at, 'the streak began with the first attempt');
  assert.ok(Date.parse(early.lastAttempt.at) - since < PATIENT_SECONDS * 1000, `six attempts within ${PATIENT_SECONDS} s: ${JSON.stringify(early.attempts.map((a: any) => a.at))}`);
  assert.equal(early.enabled, true, 'twice disableAfterFailures failures, but not for long enough: still enabled');
  assert.ok(early.attempts.every((a: any) => a.outcome === 'retrying'), JSON.stringify(early.attempts));

  const env = cliEnv({ SLUICE_URL: patient.api, SLUICE_TOKEN: ADMIN_TOKEN });
  const ls = await runSluice(['webhooks', 'ls'], env);
  assert.equal(ls.code, 0, describe(ls));
  const line = ls.stdout.split('\n').find((l) => l.includes(id)) ?? '';
  // The CLI takes a moment: it may already show the subscription disabled, never enabled without the streak.
  assert.match(line, new RegExp(`enabled, failing since ${early.failingSince.replace(/\./g, '\\.')}|DISABLED`), describe(ls));

  const sub = await waitFor(async () => {
    const res = await patient.request('GET', `/v1/webhooks/${id}`);
    return res.body.enabled === false ? res.body : null;
  }, { what: 'the subscription disabled once failing has lasted long enough', timeoutMs: 15_000 });
  assert.equal(sub.failingSince, early.failingSince, 'one streak');
  assert.ok(Date.parse(sub.disabledAt) - since >= PATIENT_SECONDS * 1000, `disabled at ${sub.disabledAt}, failing since ${sub.failingSince}`);
  assert.ok(sub.consecutiveFailures > 6);
  assert.match(sub.disabledReason, new RegExp(`^${sub.consecutiveFailures} delivery attempts in a row failed, since ${sub.failingSince.replace(/\./g, '\\.')}; the last: .*ECONNREFUSED`));
  assert.equal(sub.lastAttempt.outcome, 'failed', 'the attempt that disabled it ends its message');
  const enabled = await patient.request('PATCH', `/v1/webhooks/${id}`, { body: { enabled: true } });
  assert.equal(enabled.status, 200);
  assert.deepEqual([enabled.body.enabled, enabled.body.consecutiveFailures, enabled.body.failingSince], [true, 0, null]);
  await patient.request('DELETE', `/v1/webhooks/${id}`);
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
  assert.match(attempts[0].error, /^webhook url resolves to (127\.0\.0\.1|::1), a loopback address \(range loopback\); allow it with SLUICE_WEBHOOKS_ALLOWED_NETWORKS$/);
  // Its retry refused too: by then anything the first attempt had sent would have been reported.
  await waitFor(async () => (await attemptsOf(guarded, id)).length >= 2, { what: 'the retry logged' });
  assert.ok((await attemptsOf(guarded, id)).every((a) => a.outcome === 'refused'));
  await guarded.request('DELETE', `/v1/webhooks/${id}`);
  assert.deepEqual(r.messages, [], 'nothing reached the receiver');
});

test('SSRF guard: a literal forbidden IP is refused at create time, naming body.url', async () => {
  for (const url of ['http://127.0.0.1:8080/', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/', 'http://10.0.0.1/', 'http://[::ffff:127.0.0.1]/', 'http://[::7f00:1]/', 'http://[fec0::1]/', 'http://[100::1]/']) {
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
  // A second redirected attempt: by then a followed first redirect would have reached the target.
  await waitFor(() => redirecting.messages.length >= 2, { what: 'the second attempt at the redirecting receiver', detail: () => redirecting.log() });
  await allowed.request('DELETE', `/v1/webhooks/${id}`);
  assert.deepEqual(target.messages, [], 'the redirect target was never called');
});

test('close() stops a delivery in flight without counting it; its job is put back and sent again; its consumer is removed', async () => {
  const silent = await silentServer();
  cleanups.push(silent.close);
  // A runtime of its own (its own namespace) on the suite's Redis, with the default 10 s timeout.
  const ns = `t${randomBytes(4).toString('hex')}`;
  const config = loadConfig({ configDir: join(REPO, 'config'), env: { ...allowed.env, SLUICE_NAMESPACE: ns, SLUICE_WEBHOOKS_TIMEOUT_MS: '10000' } });
  const log = createLogger('silent');
  const conn = connectRedis(config.redis.url, { name: 'api', role: 'request', log });
  cleanups.push(async () => conn.disconnect());
  await waitUntilReady(conn, 5000);
  const deps = buildApiDeps({ config, regions: loadRegions(config.regions.dir), redis: conn, log });
  cleanups.push(() => deps.close());
  const runtime = startApiWebhooks(deps);
  const { subscription } = await deps.webhooks.subscriptions.create({ url: `http://127.0.0.1:${silent.port}/hook`, filter: {}, createdBy: 'test' });
  const events = `${ns}:events`;
  await waitFor(async () => (await conn.xinfo('GROUPS', events) as unknown[]).length === 1, { what: 'the consumer group created' });
  // An event read through the group: the fan-out becomes a consumer (Redis creates it on its first
  // entry) and queues a delivery, which the receiver never answers.
  const eventId = await deps.webhooks.subscriptions.publishDisabled('wh_other', 'https://x.example/', 'a test event', new Date());
  const jobId = `${subscription.id}-${eventId}`;
  await waitFor(() => silent.requests() === 1, { what: 'the delivery in flight (the receiver never answers)' });
  const consumers = () => conn.xinfo('CONSUMERS', events, 'webhooks') as Promise<unknown[]>;
  assert.equal((await consumers()).length, 1, 'the fan-out is a consumer of the group');

  const started = Date.now();
  await runtime.close();
  const took = Date.now() - started;
  assert.ok(took < 2500, `close() took ${took} ms with a 10 s delivery in flight`);
  const sub = (await deps.webhooks.subscriptions.get(subscription.id))!;
  assert.deepEqual([sub.attempts, sub.consecutiveFailures, sub.failingSince, sub.enabled], [[], 0, null, true], 'the stopped attempt was not recorded');
  const job = (await deps.webhooks.queue.getJob(jobId))!;
  assert.ok(['delayed', 'waiting'].includes(await job.getState()), `put back: ${await job.getState()}`);
  assert.equal(job.attemptsMade, 0, 'no attempt counted');
  assert.deepEqual(await consumers(), [], 'close() removed its consumer (nothing was pending with it)');

  // The next runtime sends it again.
  const next = startApiWebhooks(deps);
  cleanups.push(() => next.close());
  await waitFor(() => silent.requests() === 2, { what: 'the put-back delivery sent again by the next runtime' });
  await next.close();
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
  assert.ok(took < 2500, `close() took ${took} ms with Redis down`);
  let timer: NodeJS.Timeout | undefined;
  const winner = await Promise.race([
    deps.close().then(() => 'closed', () => 'closed'),
    new Promise((r) => { timer = setTimeout(() => r('deadline'), 5000); }),
  ]);
  clearTimeout(timer);
  conn.disconnect();
  assert.equal(winner, 'closed', 'the API deps closed before the 5 s deadline');
});

test('with Redis down, a process that closed its webhook runtime exits by itself (nothing left reconnecting)', async () => {
  // The same steps in a process of its own: it must end without process.exit().
  const code = `
    const { join } = await import('node:path');
    const { buildApiDeps, startApiWebhooks } = await import(${JSON.stringify(join(REPO, 'src/api/api-deps.ts'))});
    const { loadConfig } = await import(${JSON.stringify(join(REPO, 'src/config/config.ts'))});
    const { startLocalRedis } = await import(${JSON.stringify(join(REPO, 'src/dev/local-redis.ts'))});
    const { createLogger } = await import(${JSON.stringify(join(REPO, 'src/log.ts'))});
    const { connectRedis, waitUntilReady } = await import(${JSON.stringify(join(REPO, 'src/redis/index.ts'))});
    const { loadRegions } = await import(${JSON.stringify(join(REPO, 'src/regions/index.ts'))});
    const redis = await startLocalRedis();
    const env = { ...JSON.parse(process.env.STACK_ENV), SLUICE_REDIS_URL: redis.url };
    const config = loadConfig({ configDir: ${JSON.stringify(join(REPO, 'config'))}, env });
    const log = createLogger('silent');
    const conn = connectRedis(redis.url, { name: 'api', role: 'request', log });
    await waitUntilReady(conn, 5000);
    const deps = buildApiDeps({ config, regions: loadRegions(config.regions.dir), redis: conn, log });
    const runtime = startApiWebhooks(deps);
    while ((await conn.xinfo('GROUPS', config.redis.namespace + ':events')).length === 0) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    redis.kill();
    while (conn.status === 'ready') await new Promise((r) => setTimeout(r, 20));
    await runtime.close();
    await Promise.race([deps.close().catch(() => {}), new Promise((r) => setTimeout(r, 3000).unref())]);
    conn.disconnect();
    console.log('closed');
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: REPO, env: { ...process.env, STACK_ENV: JSON.stringify(allowed.env) }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    new Promise<string>((r) => child.once('exit', (c) => r(`exit ${c}`))),
    new Promise<string>((r) => { timer = setTimeout(() => r('still running'), 20_000); }),
  ]);
  clearTimeout(timer);
  if (outcome === 'still running') child.kill('SIGKILL');
  assert.match(output, /closed/, output);
  assert.equal(outcome, 'exit 0', output);
});
