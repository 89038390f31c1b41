// The log request/reply between the API and a region's worker: the worker skips what it must not
// act on (not JSON, wrong shape, a replyTo outside the namespace's reply channels) and keeps
// answering; the API waits for replies on one connection, not one per read or follow poll.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { startLocalRedis, type LocalRedis } from '../../src/dev/local-redis.ts';
import { ADMIN_TOKEN, shellJob, Stack } from '../support/stack.ts';
import { waitFor as waitForCondition } from '../support/wait-for.ts';

let stack: Stack;
// A Redis of this file's own: the connection count below must not see other test files' clients.
let redis: LocalRedis;
before(async () => {
  redis = await startLocalRedis();
  stack = await Stack.start({ regions: ['ra'], redisUrl: redis.url });
});
after(async () => {
  await stack?.close();
  await redis?.close();
});

/** The shared waitFor, called what-first as these tests read best. */
const waitFor = <T>(what: string, condition: () => T | Promise<T>, timeoutMs?: number) => waitForCondition(condition, { what, timeoutMs });

const workerOutput = () => stack.workers.get('ra')!.output.join('');
const skipped = () => workerOutput().split('\n').filter((l) => l.includes('log request skipped'));

async function connectionsReceived(): Promise<number> {
  const info = (await stack.redis.info('stats')) as string;
  return Number(/total_connections_received:(\d+)/.exec(info)![1]);
}

test('malformed requests and a foreign replyTo are skipped; the worker keeps answering', async () => {
  const res = await stack.submit(shellJob('ra', 'echo still answering'));
  const job = await stack.waitForState(res.body.id, 'SUCCEEDED');
  const requests = `${stack.ns}:region:ra:log-requests`;
  const valid = { requestId: randomUUID(), jobId: job.id, file: 'stdout', offset: 0, deadline: Date.now() + 60_000 };
  const foreignKey = `${stack.ns}:job:x`;
  const otherNs = `other${stack.ns}:log-replies:${randomUUID()}`;
  const before = skipped().length;
  await stack.redis.rpush(requests,
    '{not json',
    JSON.stringify({ hello: 'world' }),
    JSON.stringify({ ...valid, replyTo: foreignKey }),
    JSON.stringify({ ...valid, replyTo: 'sluice:job:x' }),
    JSON.stringify({ ...valid, replyTo: otherNs }),
    JSON.stringify({ ...valid, replyTo: `${stack.ns}:log-replies:${randomUUID()}`, jobId: `${stack.ns}:job:x` }));
  const lines = await waitFor('six skipped requests logged', () => (skipped().length - before >= 6 ? skipped().slice(before) : null));
  assert.equal(lines.length, 6, lines.join('\n'));
  for (const line of lines) assert.equal(JSON.parse(line).level, 40, `one warn line each: ${line}`);
  assert.match(lines[0]!, /not JSON/);
  assert.match(lines[2]!, /replyTo/);
  // Nothing was written where a request pointed.
  assert.equal(await stack.redis.type(foreignKey), 'none');
  assert.equal(await stack.redis.type('sluice:job:x'), 'none');
  assert.equal(await stack.redis.type(`${stack.ns}:log-reply:${valid.requestId}`), 'none');
  // And the next request through the API is answered.
  const logs = await stack.request('GET', `/v1/jobs/${job.id}/logs`);
  assert.equal(logs.status, 200, JSON.stringify(logs.body));
  assert.equal(logs.body, 'still answering\n');
});

test('log reads and a follow open no Redis connection per request or poll', async () => {
  const warm = await stack.submit(shellJob('ra', 'echo warm'));
  await stack.waitForState(warm.body.id, 'SUCCEEDED');
  assert.equal((await stack.request('GET', `/v1/jobs/${warm.body.id}/logs`)).status, 200);

  const res = await stack.submit(shellJob('ra', 'for i in 1 2 3 4; do echo "tick $i"; sleep 0.5; done'));
  await stack.waitForState(res.body.id, 'RUNNING');
  const before = await connectionsReceived();
  for (let i = 0; i < 5; i++) assert.equal((await stack.request('GET', `/v1/jobs/${res.body.id}/logs`)).status, 200);
  const follow = await fetch(`${stack.api}/v1/jobs/${res.body.id}/logs?follow=true`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  assert.equal(follow.status, 200);
  const text = await follow.text();
  const opened = (await connectionsReceived()) - before;
  console.log(`Redis connections opened during 5 reads and a follow of ~2 s: ${opened}`);
  assert.equal(text, 'tick 1\ntick 2\ntick 3\ntick 4\n');
  assert.equal(opened, 0, `${opened} Redis connections were opened for log reads`);
});
