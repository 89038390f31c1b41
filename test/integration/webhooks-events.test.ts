// `webhook.subscription_disabled` on GET /v1/events: admins see it, other principals never do,
// live or replayed. Each client reads until a later event every principal may see (a rollout
// change), so "never" is checked against a positive signal, not a pause.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { keysFor } from '../../src/store/keys.ts';
import { SubscriptionStore } from '../../src/webhooks/index.ts';
import { readSse, type SseEvent } from '../support/sse.ts';
import { ADMIN_TOKEN, Stack } from '../support/stack.ts';

const TEAM_TOKEN = 'team-token-0123456789';
let stack: Stack;

before(async () => {
  stack = await Stack.start({
    regions: ['ra'],
    startWorkers: false,
    webhooks: true,
    tokens: [
      { token: ADMIN_TOKEN, principal: 'admin', regions: ['*'], admin: true },
      { token: TEAM_TOKEN, principal: 'airflow', regions: ['*'], admin: false },
    ],
  });
});

after(async () => {
  await stack?.close();
});

const isDisabled = (e: SseEvent) => e.data.type === 'webhook.subscription_disabled';

test('GET /v1/events: an admin sees webhook.subscription_disabled; a non-admin never does, live or replayed', async () => {
  const store = new SubscriptionStore(stack.redis, keysFor(stack.ns), 1000);
  const reason = `witness ${Date.now()}`;
  const isWitness = (e: SseEvent) => e.data.type === 'region.rollout_changed' && e.data.reason === reason;
  let opened = 0;
  const read = (token: string, lastEventId?: string) => readSse(`${stack.api}/v1/events`, {
    token, lastEventId, timeoutMs: 15_000, stop: isWitness, onOpen: () => { opened++; },
  });
  // Both read from a known point (an earlier event), so nothing depends on when the server's live
  // reader starts: what follows it is replayed, then followed live.
  assert.equal((await stack.request('PUT', '/v1/regions/ra/rollout', { body: { mode: 'shadow', reason: 'start' } })).status, 200);
  const startId = (await stack.redis.xrevrange(`${stack.ns}:events`, '+', '-', 'COUNT', 1))[0]![0];
  const admin = read(ADMIN_TOKEN, startId);
  const team = read(TEAM_TOKEN, startId);
  while (opened < 2) await new Promise((r) => setTimeout(r, 20));

  const disabledId = await store.publishDisabled('wh_01HZZZZZZZZZZZZZZZZZZZZZZZ', 'https://hooks.example.com/in?token=s3cret', '20 delivery attempts in a row failed', new Date());
  const put = await stack.request('PUT', '/v1/regions/ra/rollout', { body: { mode: 'on', reason } });
  assert.equal(put.status, 200, JSON.stringify(put.body));

  const [adminEvents, teamEvents] = await Promise.all([admin, team]);
  const seen = adminEvents.find(isDisabled);
  assert.ok(seen, `the admin got it: ${JSON.stringify(adminEvents.map((e) => e.data.type))}`);
  assert.equal(seen.id, disabledId);
  assert.equal(seen.data.url, 'https://hooks.example.com/in', 'no query string');
  assert.ok(teamEvents.some(isWitness), 'the non-admin read up to the later event');
  assert.deepEqual(teamEvents.filter(isDisabled), [], 'the non-admin never got it');

  // Replayed from before it (Last-Event-ID): the same.
  const before = `${Number(disabledId.split('-')[0]) - 1}-0`;
  const [adminReplay, teamReplay] = await Promise.all([read(ADMIN_TOKEN, before), read(TEAM_TOKEN, before)]);
  assert.ok(adminReplay.some(isDisabled), 'replayed to the admin');
  assert.ok(teamReplay.some(isWitness), 'the non-admin\'s replay reached the later event');
  assert.deepEqual(teamReplay.filter(isDisabled), [], 'never replayed to the non-admin');
});
