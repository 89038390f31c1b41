// GET /v1/jobs/{id}/events and GET /v1/events: how a stream ends (finished job, resumed after its
// terminal event, expired history), Last-Event-ID validation, one Redis reader for every client,
// the cap on open streams, and a client that never reads.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createLogger } from '../../src/log.ts';
import { buildApiDeps } from '../../src/api/api-deps.ts';
import { buildApp } from '../../src/api/build-app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { loadRegions } from '../../src/regions/index.ts';
import { readSse, readSseResponse } from '../support/sse.ts';
import { startLocalRedis, type LocalRedis } from '../../src/dev/local-redis.ts';
import { ADMIN_TOKEN, REPO, shellJob, Stack } from '../support/stack.ts';
import { waitFor as waitForCondition } from '../support/wait-for.ts';

let stack: Stack;
let scratch: string;
// A Redis of this file's own: the connection counts below must not see other test files' clients.
let redis: LocalRedis;
before(async () => {
  redis = await startLocalRedis();
  stack = await Stack.start({ regions: ['ra'], redisUrl: redis.url });
  scratch = mkdtempSync(join(tmpdir(), 'sluice-sse-'));
});
after(async () => {
  await stack?.close();
  await redis?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const terminal = (e: { data: { to?: string } }) => ['SUCCEEDED', 'FAILED', 'KILLED'].includes(e.data.to ?? '');
const STATES = ['QUEUED', 'PREFLIGHT', 'SUBMITTING', 'ACCEPTED', 'RUNNING', 'SUCCEEDED'];

/** The shared waitFor, called what-first as these tests read best. */
const waitFor = <T>(what: string, condition: () => T | Promise<T>, timeoutMs?: number) => waitForCondition(condition, { what, timeoutMs });

async function finishedJob(): Promise<string> {
  const res = await stack.submit(shellJob('ra', 'true'));
  assert.equal(res.status, 202);
  await stack.waitForState(res.body.id, 'SUCCEEDED');
  return res.body.id;
}

/** A job that runs until `release()` creates its flag file. */
async function heldJob(): Promise<{ id: string; release: () => void }> {
  const flag = join(scratch, `flag-${Math.random().toString(36).slice(2)}`);
  const res = await stack.submit(shellJob('ra', 'while [ ! -e "$FLAG" ]; do sleep 0.05; done', { env: { FLAG: flag } }));
  assert.equal(res.status, 202);
  await stack.waitForState(res.body.id, 'RUNNING');
  return { id: res.body.id, release: () => { if (!existsSync(flag)) writeFileSync(flag, ''); } };
}

async function redisConnections(): Promise<number> {
  const list = (await stack.redis.client('LIST')) as string;
  return list.trim().split('\n').length;
}

test("a finished job's stream replays its events and ends", async () => {
  const id = await finishedJob();
  const res = await readSseResponse(`${stack.api}/v1/jobs/${id}/events`, { token: ADMIN_TOKEN, timeoutMs: 5000 });
  assert.equal(res.status, 200);
  assert.ok(res.ended, 'the server ended the stream');
  assert.deepEqual(res.events.map((e) => e.data.to), STATES);
});

test('resumed at its terminal event: 204 at once, nothing more will come', async () => {
  const id = await finishedJob();
  const all = await readSse(`${stack.api}/v1/jobs/${id}/events`, { token: ADMIN_TOKEN });
  const started = Date.now();
  const res = await readSseResponse(`${stack.api}/v1/jobs/${id}/events`, { token: ADMIN_TOKEN, lastEventId: all.at(-1)!.id, timeoutMs: 5000 });
  assert.equal(res.status, 204);
  assert.deepEqual(res.events, []);
  assert.ok(Date.now() - started < 2000, `answered in ${Date.now() - started} ms`);
  // Resumed before the end: the rest, then the end.
  const rest = await readSseResponse(`${stack.api}/v1/jobs/${id}/events`, { token: ADMIN_TOKEN, lastEventId: all[3]!.id, timeoutMs: 5000 });
  assert.equal(rest.status, 200);
  assert.ok(rest.ended);
  assert.deepEqual(rest.events.map((e) => e.id), all.slice(4).map((e) => e.id));
});

test("a finished job whose stream expired: one job.snapshot with its final state, then the end", async () => {
  const id = await finishedJob();
  await stack.redis.del(`${stack.ns}:events:job:${id}`);
  for (const lastEventId of [undefined, '1-0']) {
    const res = await readSseResponse(`${stack.api}/v1/jobs/${id}/events`, { token: ADMIN_TOKEN, lastEventId, timeoutMs: 5000 });
    assert.equal(res.status, 200);
    assert.ok(res.ended, 'the server ended the stream');
    assert.equal(res.events.length, 1);
    const [e] = res.events;
    assert.equal(e!.event, 'job.snapshot');
    assert.equal(e!.id, '', 'a snapshot is not a stream entry: no id');
    assert.equal(e!.data.type, 'job.snapshot');
    assert.equal(e!.data.jobId, id);
    assert.equal(e!.data.region, 'ra');
    assert.equal(e!.data.state, 'SUCCEEDED');
    assert.equal(e!.data.job.id, id);
    assert.equal(e!.data.job.state, 'SUCCEEDED');
    assert.equal(e!.data.at, e!.data.job.finishedAt);
  }
});

test('a malformed or future Last-Event-ID is a 400 INVALID_LAST_EVENT_ID, on both streams', async () => {
  const id = await finishedJob();
  const all = await readSse(`${stack.api}/v1/jobs/${id}/events`, { token: ADMIN_TOKEN });
  const [ms, seq] = all.at(-1)!.id.split('-').map(Number);
  const cases = ['garbage', '12', '1-2-3', '-1-0', `${ms! + 10_000}-0`, `${ms}-${seq! + 1}`, `${'9'.repeat(25)}-0`];
  for (const path of [`/v1/jobs/${id}/events`, '/v1/events']) {
    for (const lastEventId of cases) {
      const res = await readSseResponse(`${stack.api}${path}`, { token: ADMIN_TOKEN, lastEventId, timeoutMs: 5000 });
      assert.equal(res.status, 400, `${path} with Last-Event-ID ${lastEventId}`);
      assert.equal(res.body.error.code, 'INVALID_LAST_EVENT_ID');
    }
  }
});

test('the global stream resumes after Last-Event-ID', async () => {
  const id = await finishedJob();
  const own = await readSse(`${stack.api}/v1/jobs/${id}/events`, { token: ADMIN_TOKEN });
  const res = await readSse(`${stack.api}/v1/events`, { token: ADMIN_TOKEN, lastEventId: own[0]!.id, stop: (e) => e.id === own.at(-1)!.id });
  const mine = res.filter((e) => e.data.jobId === id);
  assert.deepEqual(mine.map((e) => e.id), own.slice(1).map((e) => e.id));
});

test('200 concurrent streams share one Redis reader: a few connections, not one per stream', async () => {
  const job = await heldJob();
  const before = await redisConnections();
  const N = 200;
  let open = 0;
  const streams = Array.from({ length: N }, (_, i) => readSseResponse(
    i % 2 ? `${stack.api}/v1/jobs/${job.id}/events` : `${stack.api}/v1/events?region=ra`,
    {
      token: ADMIN_TOKEN, timeoutMs: 30_000, onOpen: () => { open++; },
      stop: (e) => e.data.jobId === job.id && e.data.to === 'SUCCEEDED',
    },
  ));
  try {
    // A 200 means the server has subscribed the client: count with all of them served.
    await waitFor(`${N} streams open`, () => open === N);
    const during = await redisConnections();
    job.release();
    const results = await Promise.all(streams);
    for (const [i, r] of results.entries()) {
      assert.equal(r.status, 200);
      const seen = r.events.filter((e) => e.data.jobId === job.id).map((e) => e.data.to);
      if (i % 2) assert.deepEqual(seen, STATES, `job stream ${i}`);
      else assert.equal(seen.at(-1), 'SUCCEEDED', `global stream ${i}`);
    }
    console.log(`Redis connections: ${before} before, ${during} with ${N} streams open`);
    assert.ok(during - before <= 3, `${N} streams added ${during - before} Redis connections`);
  } finally {
    job.release();
    await Promise.allSettled(streams);
  }
});

test('beyond http.maxEventStreams: 429 TOO_MANY_STREAMS with Retry-After; a closed stream frees its slot', async () => {
  const config = loadConfig({
    configDir: join(REPO, 'config'),
    env: {
      NODE_ENV: 'test', SLUICE_REDIS_URL: redis.url, SLUICE_NAMESPACE: stack.ns, SLUICE_REGIONS_DIR: stack.regionsDir,
      SLUICE_TOKENS: JSON.stringify([{ token: ADMIN_TOKEN, principal: 'admin', regions: ['*'], admin: true }]),
      SLUICE_HTTP_MAX_EVENT_STREAMS: '2',
    },
  });
  assert.equal(config.http.maxEventStreams, 2);
  const deps = buildApiDeps({ config, regions: loadRegions(stack.regionsDir), redis: stack.redis, log: createLogger('silent') });
  const app = buildApp(deps);
  const api = await app.listen({ host: '127.0.0.1', port: 0 });
  const headers = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const held = [new AbortController(), new AbortController()];
  try {
    for (const a of held) assert.equal((await fetch(`${api}/v1/events`, { headers, signal: a.signal })).status, 200);
    const refused = await fetch(`${api}/v1/events`, { headers });
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('retry-after'), '5');
    assert.equal(((await refused.json()) as any).error.code, 'TOO_MANY_STREAMS');
    const id = await finishedJob();
    assert.equal((await fetch(`${api}/v1/jobs/${id}/events`, { headers })).status, 429);
    held[0]!.abort();
    await waitFor('a slot free again', async () => {
      const res = await readSseResponse(`${api}/v1/jobs/${id}/events`, { token: ADMIN_TOKEN, timeoutMs: 5000 });
      return res.status === 200 && res.ended && res.events.length === STATES.length;
    });
  } finally {
    for (const a of held) a.abort();
    await app.close();
    await deps.close();
  }
});

test('a client that never reads is cut off at the buffer bound, not buffered without end', async () => {
  const url = new URL(stack.api);
  const slow = connect(Number(url.port), url.hostname);
  slow.on('error', () => { /* a reset is an end too */ });
  slow.write(`GET /v1/events HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\n\r\n`);
  // Read up to ": connected" (the server has subscribed the client by then), then never again.
  let head = '';
  await new Promise<void>((resolve) => {
    const onData = (d: Buffer) => {
      head += d.toString();
      if (!head.includes(': connected')) return;
      slow.off('data', onData);
      slow.pause();
      resolve();
    };
    slow.on('data', onData);
  });
  assert.match(head, /^HTTP\/1.1 200/);
  // A reading client tells when the hub has handed every event out.
  let fastOpen = false;
  const fast = readSse(`${stack.api}/v1/events`, { token: ADMIN_TOKEN, timeoutMs: 60_000, onOpen: () => { fastOpen = true; }, stop: (e) => e.data.application?.last === true });
  await waitFor('the reading client subscribed', () => fastOpen);
  // Events of a realistic size, many of them: ~20 MB, far above the 1 MiB bound plus what the
  // kernel's socket buffers hold for a client that has stopped reading.
  const pad = 'x'.repeat(4 * 1024);
  const COUNT = 5000;
  for (let i = 0; i < COUNT; i += 50) {
    const batch = stack.redis.pipeline();
    for (let j = i; j < i + 50; j++) {
      batch.xadd(`${stack.ns}:events`, '*', 'type', 'job.state_changed', 'jobId', 'job_00000000000000000000000000',
        'region', 'ra', 'from', 'RUNNING', 'to', 'RUNNING', 'at', new Date().toISOString(),
        'application', JSON.stringify({ pad, last: j === COUNT - 1 }));
    }
    await batch.exec();
  }
  const got = await fast;
  assert.equal(got.filter((e) => e.data.application?.pad).length, COUNT);
  let received = 0;
  slow.on('data', (d: Buffer) => { received += d.length; });
  const closed = new Promise((r) => slow.once('close', r));
  slow.resume();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([closed, new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the slow client was not cut off (received ${received} bytes)`)), 15_000);
  })]).finally(() => clearTimeout(timer));
  const sent = COUNT * pad.length;
  console.log(`slow client: ${received} bytes delivered of ${sent} published`);
  assert.ok(received < sent / 2, `received ${received} of ${sent} bytes: the server buffered everything`);
});
