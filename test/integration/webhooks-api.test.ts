// The webhook subscription API and `sluice webhooks`: admins only, validation naming each field,
// the secret shown on create only, and add | ls | test | rm end to end against a Stack (the test
// message verified by the Python receiver), and --wait validated. (SSE visibility of webhook
// events: webhooks-events.test.ts.)

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { cliEnv, describe, runSluice } from '../support/cli.ts';
import { PythonReceiver } from '../support/webhook-receiver.ts';
import { ADMIN_TOKEN, Stack } from '../support/stack.ts';

const TEAM_TOKEN = 'team-token-0123456789';
let stack: Stack;
let receiver: PythonReceiver;

before(async () => {
  stack = await Stack.start({
    regions: ['ra', 'rb'],
    startWorkers: false,
    webhooks: true,
    tokens: [
      { token: ADMIN_TOKEN, principal: 'admin', regions: ['*'], admin: true },
      { token: TEAM_TOKEN, principal: 'airflow', regions: ['*'], admin: false },
    ],
    env: { SLUICE_WEBHOOKS_ALLOWED_NETWORKS: '127.0.0.1/32', SLUICE_WEBHOOKS_BACKOFF_BASE_MS: '100', SLUICE_WEBHOOKS_BACKOFF_MAX_MS: '300' },
  });
  receiver = await PythonReceiver.start();
});

after(async () => {
  await receiver?.stop();
  await stack?.close();
});

test('only admins manage webhooks: 403 ADMIN_REQUIRED, even for a bad body', async () => {
  for (const [method, path, body] of [
    ['POST', '/v1/webhooks', { url: 'not a url' }], ['GET', '/v1/webhooks', undefined], ['GET', '/v1/webhooks/wh_01HZZZZZZZZZZZZZZZZZZZZZZZ', undefined],
    ['DELETE', '/v1/webhooks/wh_01HZZZZZZZZZZZZZZZZZZZZZZZ', undefined], ['POST', '/v1/webhooks/wh_01HZZZZZZZZZZZZZZZZZZZZZZZ/test', undefined],
    ['PATCH', '/v1/webhooks/wh_01HZZZZZZZZZZZZZZZZZZZZZZZ', { enabled: true }],
  ] as const) {
    const res = await stack.request(method, path, { body, token: TEAM_TOKEN });
    assert.equal(res.status, 403, `${method} ${path}`);
    assert.equal(res.body.error.code, 'ADMIN_REQUIRED');
  }
  assert.equal((await stack.request('GET', '/v1/webhooks', { token: null })).status, 401);
});

test('validation names each bad field', async () => {
  const cases: [unknown, string[]][] = [
    [{ url: 'ftp://example.com/x' }, ['body.url']],
    [{ url: 'https://user:pw@example.com/x' }, ['body.url']],
    [{ url: 'nope' }, ['body.url']],
    [{ url: 'https://example.com/x', filter: { types: ['job.exploded'] } }, ['body.filter.types.0']],
    [{ url: 'https://example.com/x', filter: { regions: ['ra', 'mars'] } }, ['body.filter.regions.1']],
    [{ url: 'https://example.com/x', filter: { labels: ['team=search'] } }, ['body.filter.labels.0']],
    [{ url: 'https://example.com/x', filter: { states: ['DONE'] } }, ['body.filter.states.0']],
    // An empty list would read as "none" and match as "any": refused.
    [{ url: 'https://example.com/x', filter: { states: [] } }, ['body.filter.states']],
    [{ url: 'https://example.com/x', extra: 1 }, ['body']],
  ];
  for (const [body, paths] of cases) {
    const res = await stack.request('POST', '/v1/webhooks', { body });
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.equal(res.body.error.code, 'INVALID_REQUEST');
    assert.deepEqual(res.body.error.issues.map((i: { path: string[] }) => i.path.join('.')), paths, JSON.stringify(res.body));
  }
  const unknown = await stack.request('GET', '/v1/webhooks/wh_01HZZZZZZZZZZZZZZZZZZZZZZZ');
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.error.code, 'WEBHOOK_NOT_FOUND');
});

test('the secret is shown on create only; list and get never show it', async () => {
  const created = await stack.request('POST', '/v1/webhooks', { body: { url: 'https://hooks.example.com/in', description: 'ops', filter: { regions: ['ra'], labels: ['team:search'] } } });
  assert.equal(created.status, 201);
  assert.match(created.body.secret, /^whsec_[A-Za-z0-9+/=]{40,}$/);
  const { id, secret } = created.body;
  const list = await stack.request('GET', '/v1/webhooks');
  const get = await stack.request('GET', `/v1/webhooks/${id}`);
  for (const text of [JSON.stringify(list.body), JSON.stringify(get.body)]) {
    assert.ok(!text.includes(secret.slice(6)), 'secret leaked');
    assert.ok(!text.includes('"secret"'));
  }
  assert.deepEqual(get.body.filter, { regions: ['ra'], labels: ['team:search'] });
  assert.equal(get.body.enabled, true);
  assert.deepEqual(get.body.attempts, []);
  assert.equal((await stack.request('DELETE', `/v1/webhooks/${id}`)).status, 204);
  assert.equal((await stack.request('DELETE', `/v1/webhooks/${id}`)).status, 404);
});

test('sluice webhooks add | ls | test | rm end to end', async () => {
  const env = cliEnv({ SLUICE_URL: stack.api, SLUICE_TOKEN: ADMIN_TOKEN });
  const add = await runSluice(['webhooks', 'add', receiver.url(), '--type', 'job.state_changed', '--region', 'ra', '--state', 'FAILED', '--label', 'team:search', '--description', 'cli', '--json'], env);
  assert.equal(add.code, 0, describe(add));
  const created = JSON.parse(add.stdout);
  assert.match(add.stderr, /shown only this once/);
  assert.deepEqual(created.filter, { types: ['job.state_changed'], regions: ['ra'], states: ['FAILED'], labels: ['team:search'] });
  receiver.setSecret(created.secret);

  const ls = await runSluice(['webhooks', 'ls'], env);
  assert.equal(ls.code, 0, describe(ls));
  assert.match(ls.stdout, /ID\s+URL\s+FILTER\s+STATE\s+FAILURES\s+LAST ATTEMPT/);
  assert.match(ls.stdout.split('\n').find((l) => l.includes(created.id)) ?? '', /type=job\.state_changed region=ra state=FAILED label=team:search\s+enabled\s+0\s+-/);
  assert.ok(!ls.stdout.includes(created.secret));

  // A refused field names the flag to fix, once.
  const badState = await runSluice(['webhooks', 'add', receiver.url(), '--state', 'DONE'], env);
  assert.equal(badState.code, 3, describe(badState));
  assert.match(badState.stderr, /^sluice: INVALID_REQUEST: the request is invalid:\n\s+body\.filter\.states\.0: .*\(--state\)$/m);

  const badWait = await runSluice(['webhooks', 'test', created.id, '--wait', 'abc'], env);
  assert.equal(badWait.code, 3, describe(badWait));
  assert.match(badWait.stderr, /--wait "abc": expected a number of seconds/);

  const sent = await runSluice(['webhooks', 'test', created.id], env);
  assert.equal(sent.code, 0, describe(sent));
  assert.match(sent.stdout, /msg_wh_\w+: delivered .*HTTP 204/);
  const got = receiver.messages.find((m) => m.type === 'webhook.test');
  assert.ok(got, receiver.log());
  assert.equal(got.data.subscriptionId, created.id);

  const lsJson = await runSluice(['webhooks', 'ls', '--json'], env);
  const listed = JSON.parse(lsJson.stdout).find((w: { id: string }) => w.id === created.id);
  assert.equal(listed.lastAttempt.outcome, 'delivered');
  assert.equal(listed.failingSince, null);

  const rm = await runSluice(['webhooks', 'rm', created.id], env);
  assert.equal(rm.code, 0, describe(rm));
  const again = await runSluice(['webhooks', 'rm', created.id], env);
  assert.equal(again.code, 3, describe(again));
  assert.match(again.stderr, /WEBHOOK_NOT_FOUND|no webhook subscription/);

  const refused = await runSluice(['webhooks', 'ls'], { ...env, SLUICE_TOKEN: TEAM_TOKEN });
  assert.equal(refused.code, 3, describe(refused));
});

test('sluice webhooks test exits non-zero when the receiver fails', async () => {
  const env = cliEnv({ SLUICE_URL: stack.api, SLUICE_TOKEN: ADMIN_TOKEN });
  const add = await runSluice(['webhooks', 'add', 'http://127.0.0.1:9/closed', '--json'], env);
  assert.equal(add.code, 0, describe(add));
  const { id } = JSON.parse(add.stdout);
  const sent = await runSluice(['webhooks', 'test', id], env);
  assert.equal(sent.code, 1, describe(sent));
  assert.match(sent.stdout, /retrying .*ECONNREFUSED/);
  await runSluice(['webhooks', 'rm', id], env);
});
