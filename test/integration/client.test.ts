// The typed client (src/client) against a real stack: submit and await, idempotency, retries on
// 503/429 with Retry-After (and none on a 400, or on a submit without a key that got a 503 or lost
// its connection after sending: that error says the job may exist), an event stream
// that resumes after its connection is cut, a log follow likewise, a dead server, aborts, the
// rollout calls. Faults come from real servers put in front of the API: an HTTP server that
// answers some requests itself and passes the rest on, and a TCP proxy that can cut connections.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import { connect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import {
  SluiceApiError, SluiceClient, SluiceConnectionError, isTerminalState, type JobEvent, type JobSpecInput, type JobStateChanged, type RegionView,
} from '../../src/client/index.ts';
import { freePort } from '../../src/dev/local-redis.ts';
import { readSse } from '../support/sse.ts';
import { ADMIN_TOKEN, REPO, Stack } from '../support/stack.ts';
import { waitFor } from '../support/wait-for.ts';

const TEAM_TOKEN = 'team-token-client-0123456789';
const STATES = ['QUEUED', 'PREFLIGHT', 'SUBMITTING', 'ACCEPTED', 'RUNNING', 'SUCCEEDED'];

let stack: Stack;
let scratch: string;
let sluice: SluiceClient;
const servers: { close(): Promise<void> }[] = [];

before(async () => {
  stack = await Stack.start({
    regions: ['ra'],
    tokens: [
      { token: ADMIN_TOKEN, principal: 'admin', regions: ['*'], admin: true },
      { token: TEAM_TOKEN, principal: 'airflow', regions: ['*'], admin: false },
    ],
  });
  scratch = mkdtempSync(join(tmpdir(), 'sluice-client-'));
  sluice = new SluiceClient({ url: stack.api, token: ADMIN_TOKEN });
});

after(async () => {
  await Promise.allSettled(servers.map((s) => s.close()));
  await stack?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** A shell job in region ra, typed as the client takes it. */
const shell = (script: string, extra: Partial<Extract<JobSpecInput, { kind: 'shell' }>> = {}): JobSpecInput =>
  ({ region: 'ra', name: 'client-test', kind: 'shell', script, ...extra });

const stateOf = (e: JobEvent) => (e.type === 'job.state_changed' ? e.to : `snapshot:${e.state}`);

/** A job that runs until `release()` creates its flag file, already RUNNING. */
async function heldJob(client = sluice): Promise<{ id: string; release: () => void }> {
  const flag = join(scratch, `flag-${Math.random().toString(36).slice(2)}`);
  const { job } = await client.submit(shell('while [ ! -e "$FLAG" ]; do sleep 0.05; done', { env: { FLAG: flag } }));
  await stack.waitForState(job.id, 'RUNNING');
  return { id: job.id, release: () => { if (!existsSync(flag)) writeFileSync(flag, ''); } };
}

interface SeenRequest { method: string; url: string; headers: IncomingHttpHeaders }
interface Answer { status: number; headers?: Record<string, string>; body?: unknown }

/**
 * A real HTTP server in front of the API. `answer` gets each request's number (from 1) and either
 * answers it or returns 'pass' to hand it to the API unchanged. Every request is recorded.
 */
async function frontServer(answer: (n: number, req: IncomingMessage) => Answer | 'pass') {
  const seen: SeenRequest[] = [];
  const server: Server = createHttpServer(async (req, res) => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const decided = answer(seen.length, req);
    if (decided !== 'pass') {
      res.writeHead(decided.status, { 'content-type': 'application/json', ...decided.headers });
      res.end(decided.body === undefined ? '' : JSON.stringify(decided.body));
      return;
    }
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'keep-alive', 'transfer-encoding'].includes(k))) as Record<string, string>;
    const upstream = await request(`${stack.api}${req.url}`, { method: req.method as 'GET', headers, body: chunks.length ? Buffer.concat(chunks) : null });
    const out = Object.fromEntries(Object.entries(upstream.headers).filter(([k]) => !['connection', 'keep-alive', 'transfer-encoding'].includes(k)));
    res.writeHead(upstream.statusCode, out as Record<string, string>);
    for await (const chunk of upstream.body) res.write(chunk);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const handle = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
  servers.push(handle);
  return handle;
}

const storeUnavailable = (retryAfter?: string): Answer => ({
  status: 503,
  headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter },
  body: { error: { code: 'STORE_UNAVAILABLE', message: 'the job store (Redis) is unavailable; nothing was recorded, retry later' } },
});

/**
 * A TCP proxy in front of the API: `cut()` destroys every connection through it at once (both
 * sides), as a network drop would. `requests` holds the head of every HTTP request it carried.
 */
async function tcpProxy() {
  const target = new URL(stack.api);
  const pairs = new Set<[Socket, Socket]>();
  const requests: string[] = [];
  let received = 0;
  const server = createNetServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    let text = '';
    client.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      let end: number;
      while ((end = text.indexOf('\r\n\r\n')) >= 0) {
        requests.push(text.slice(0, end));
        text = text.slice(end + 4); // the client's requests through here are GETs: no bodies follow
      }
    });
    upstream.on('data', (d: Buffer) => { received += d.length; });
    client.pipe(upstream);
    upstream.pipe(client);
    const drop = () => { client.destroy(); upstream.destroy(); pairs.delete(pair); };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const handle = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    /** Bytes the API has sent through so far. */
    received: () => received,
    /** Connections open through the proxy. */
    open: () => pairs.size,
    cut: () => { for (const [a, b] of pairs) { a.destroy(); b.destroy(); } pairs.clear(); },
    close: () => new Promise<void>((resolve) => { handle.cut(); server.close(() => resolve()); }),
  };
  servers.push(handle);
  return handle;
}

/** The value of one header in a raw request head. */
function headerOf(head: string, name: string): string | undefined {
  const line = head.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(line.indexOf(':') + 1).trim();
}

test('submit, then waitForJob: SUCCEEDED, every event seen once and in order', async () => {
  const { job, created } = await sluice.submit(shell('echo hello'));
  assert.equal(created, true);
  assert.match(job.id, /^job_[0-9A-Z]{26}$/);
  assert.equal(job.state, 'QUEUED');
  const seen: JobEvent[] = [];
  const done = await sluice.waitForJob(job.id, { onEvent: (e) => seen.push(e) });
  assert.equal(done.state, 'SUCCEEDED');
  assert.ok(done.finishedAt);
  assert.deepEqual(seen.map(stateOf), STATES);
  assert.equal(isTerminalState(done.state), true);
  assert.equal(isTerminalState('RUNNING'), false);
  assert.deepEqual(await sluice.getJob(job.id), done);
});

test('idempotent submit: the same key and body again is the same job, created false; another body is a conflict', async () => {
  const key = `client-test-${Date.now()}`;
  const spec = shell('true');
  const first = await sluice.submit(spec, { idempotencyKey: key });
  const again = await sluice.submit(spec, { idempotencyKey: key });
  assert.equal(first.created, true);
  assert.equal(again.created, false);
  assert.equal(again.job.id, first.job.id);
  assert.equal(again.job.idempotencyKey, key);
  await assert.rejects(sluice.submit(shell('false'), { idempotencyKey: key }), (e: unknown) =>
    e instanceof SluiceApiError && e.status === 409 && e.code === 'IDEMPOTENCY_CONFLICT' && e.message.includes(first.job.id));
});

test('a 503 with Retry-After: a keyed submit waits what it asks and is tried again; one job results', async () => {
  const front = await frontServer((n) => (n === 1 ? storeUnavailable('1') : 'pass'));
  const client = new SluiceClient({ url: front.url, token: ADMIN_TOKEN });
  const key = `retry-503-${Date.now()}`;
  const started = Date.now();
  const { job, created } = await client.submit(shell('true'), { idempotencyKey: key });
  const elapsed = Date.now() - started;
  assert.equal(created, true);
  assert.equal(front.seen.length, 2, 'one 503, then the submission');
  assert.ok(elapsed >= 950, `waited ${elapsed} ms: Retry-After 1 was honoured`);
  assert.equal(front.seen[1]!.headers['idempotency-key'], key, 'the retry carried the same key');
  const jobs = await sluice.listJobs({ region: 'ra', limit: 500 });
  assert.equal(jobs.jobs.filter((j) => j.idempotencyKey === key).length, 1);
  assert.equal((await sluice.waitForJob(job.id)).state, 'SUCCEEDED');
});

test('a 503 to a submit without a key is not tried again: the error carries code, message and Retry-After', async () => {
  const front = await frontServer(() => storeUnavailable('1'));
  const client = new SluiceClient({ url: front.url, token: ADMIN_TOKEN });
  await assert.rejects(client.submit(shell('true')), (e: unknown) =>
    e instanceof SluiceApiError && e.status === 503 && e.code === 'STORE_UNAVAILABLE' && e.retryAfterSeconds === 1
    && e.message === 'the job store (Redis) is unavailable; nothing was recorded, retry later');
  assert.equal(front.seen.length, 1);
});

test('429 with Retry-After, then 503 without: a GET is tried until it succeeds; a Retry-After above the cap ends the retries', async () => {
  const front = await frontServer((n) => {
    if (n === 1) return { status: 429, headers: { 'retry-after': '1' }, body: { error: { code: 'TOO_MANY_STREAMS', message: 'slow down' } } };
    if (n === 2) return storeUnavailable();
    return 'pass';
  });
  const client = new SluiceClient({ url: front.url, token: ADMIN_TOKEN });
  const started = Date.now();
  const page = await client.listJobs({ region: 'ra', limit: 1 });
  assert.ok(Date.now() - started >= 950, 'Retry-After 1 was honoured');
  assert.equal(page.jobs.length, 1);
  assert.deepEqual(front.seen.map((r) => r.url), Array(3).fill('/v1/jobs?region=ra&limit=1'));

  const far = await frontServer(() => storeUnavailable('120'));
  const farClient = new SluiceClient({ url: far.url, token: ADMIN_TOKEN });
  const t = Date.now();
  await assert.rejects(farClient.regions(), (e: unknown) => e instanceof SluiceApiError && e.status === 503 && e.retryAfterSeconds === 120);
  assert.equal(far.seen.length, 1);
  assert.ok(Date.now() - t < 1000);
});

test('retries are spent: the last answer is the error', async () => {
  const front = await frontServer(() => storeUnavailable());
  const client = new SluiceClient({ url: front.url, token: ADMIN_TOKEN, retries: 2 });
  await assert.rejects(client.getJob('job_01JZZZZZZZZZZZZZZZZZZZZZZZ'), (e: unknown) => e instanceof SluiceApiError && e.code === 'STORE_UNAVAILABLE');
  assert.equal(front.seen.length, 3, 'one try and two retries');
});

test('a 400 is never tried again, even with a key: the error names the field', async () => {
  const front = await frontServer(() => 'pass');
  const client = new SluiceClient({ url: front.url, token: ADMIN_TOKEN });
  await assert.rejects(
    client.submit({ ...shell('true'), resources: { memoryMb: 'lots' } } as unknown as JobSpecInput, { idempotencyKey: `bad-${Date.now()}` }),
    (e: unknown) => {
      assert.ok(e instanceof SluiceApiError, String(e));
      assert.equal(e.status, 400);
      assert.equal(e.code, 'INVALID_JOB_SPEC');
      assert.deepEqual(e.issues?.map((i) => i.path), [['resources', 'memoryMb']]);
      assert.match(e.message, /resources\.memoryMb/);
      return true;
    },
  );
  assert.equal(front.seen.length, 1);
});

test('a wrong token: 401 UNAUTHENTICATED, not retried, and the token is nowhere in the error', async () => {
  const front = await frontServer(() => 'pass');
  const secret = 'not-a-real-token-4242';
  const client = new SluiceClient({ url: front.url, token: secret });
  await assert.rejects(client.regions(), (e: unknown) =>
    e instanceof SluiceApiError && e.status === 401 && e.code === 'UNAUTHENTICATED' && !JSON.stringify({ ...e, message: e.message }).includes(secret));
  assert.equal(front.seen.length, 1);
  assert.equal(front.seen[0]!.headers.authorization, `Bearer ${secret}`);
});

test('events: a connection cut mid-stream is resumed with Last-Event-ID; no event lost or repeated', async () => {
  const proxy = await tcpProxy();
  const client = new SluiceClient({ url: proxy.url, token: ADMIN_TOKEN });
  const { id, release } = await heldJob();
  const streams = () => proxy.requests.filter((h) => h.startsWith(`GET /v1/jobs/${id}/events `));
  const seen: JobEvent[] = [];
  let cut = false;
  let lastBeforeReconnect: string | undefined;
  for await (const event of client.events(id)) {
    seen.push(event);
    if (streams().length === 1 && event.type === 'job.state_changed') lastBeforeReconnect = event.id;
    // The job is RUNNING already: cut while its RUNNING event may be on the wire, then let it end.
    if (!cut && stateOf(event) === 'ACCEPTED') {
      cut = true;
      proxy.cut();
      release();
    }
  }
  assert.deepEqual(seen.map(stateOf), STATES);
  const direct = await readSse(`${stack.api}/v1/jobs/${id}/events`, { token: ADMIN_TOKEN });
  assert.deepEqual(seen.map((e) => (e.type === 'job.state_changed' ? e.id : null)), direct.map((e) => e.id), 'the same events, by id');
  const [firstHead, secondHead, ...more] = streams();
  assert.ok(secondHead && !more.length, `one reconnect:\n${proxy.requests.join('\n---\n')}`);
  assert.equal(headerOf(firstHead!, 'last-event-id'), undefined);
  assert.ok(lastBeforeReconnect);
  assert.equal(headerOf(secondHead, 'last-event-id'), lastBeforeReconnect, 'resumed after the last event it yielded');
});

test('events: resumed at the terminal event, the stream ends at once (204); an expired-stream job ends with its snapshot', async () => {
  const { job } = await sluice.submit(shell('true'));
  const all: JobEvent[] = [];
  for await (const e of sluice.events(job.id)) all.push(e);
  assert.deepEqual(all.map(stateOf), STATES);
  const last = all.at(-1)!;
  assert.equal(last.type, 'job.state_changed');
  const rest: JobEvent[] = [];
  for await (const e of sluice.events(job.id, { lastEventId: (last as JobStateChanged).id })) rest.push(e);
  assert.deepEqual(rest, []);
  // The job's stream gone (as when its history has expired): one snapshot, then the end.
  await stack.redis.del(`${stack.ns}:events:job:${job.id}`);
  const snap: JobEvent[] = [];
  for await (const e of sluice.events(job.id)) snap.push(e);
  assert.deepEqual(snap.map(stateOf), ['snapshot:SUCCEEDED']);
  const [only] = snap;
  assert.equal(only?.type === 'job.snapshot' && only.job.id, job.id);
});

test('events of a job that does not exist: 404 JOB_NOT_FOUND; a bad Last-Event-ID: 400, neither retried', async () => {
  const front = await frontServer(() => 'pass');
  const client = new SluiceClient({ url: front.url, token: ADMIN_TOKEN });
  const consume = async (it: AsyncIterable<unknown>) => { for await (const _ of it); };
  await assert.rejects(consume(client.events('job_01JZZZZZZZZZZZZZZZZZZZZZZZ')), (e: unknown) => e instanceof SluiceApiError && e.code === 'JOB_NOT_FOUND');
  const { job } = await sluice.submit(shell('true'));
  await assert.rejects(consume(client.events(job.id, { lastEventId: 'nope' })), (e: unknown) => e instanceof SluiceApiError && e.code === 'INVALID_LAST_EVENT_ID');
  assert.equal(front.seen.length, 2);
});

test("allEvents: a region's live events; leaving the loop closes the connection", async () => {
  const proxy = await tcpProxy();
  const client = new SluiceClient({ url: proxy.url, token: ADMIN_TOKEN });
  // The stream opens at the loop's first step; submit once its answer has begun (the server is
  // subscribed by then), or the job's first events could pass before.
  const submitted = (async () => {
    await waitFor(() => proxy.received() > 0, { what: 'the all-events stream open' });
    return (await sluice.submit(shell('true'))).job.id;
  })();
  const mine: string[] = [];
  const regions = new Set<string>();
  for await (const e of client.allEvents({ region: 'ra' })) {
    if ('region' in e) regions.add(e.region);
    if (e.type === 'job.state_changed' && e.jobId === (await submitted)) {
      mine.push(e.to);
      if (e.to === 'SUCCEEDED') break;
    }
  }
  assert.deepEqual(mine, STATES);
  assert.deepEqual([...regions], ['ra']);
  await waitFor(() => proxy.open() === 0, { what: 'the stream connection closed after the loop ended' });
});

test('logs: the output after the end, and followed while the job runs', async () => {
  const { job } = await sluice.submit(shell('echo "out $1"; echo "err line" >&2', { args: ['one'] }));
  await sluice.waitForJob(job.id);
  const read = async (it: AsyncIterable<string>) => { let s = ''; for await (const t of it) s += t; return s; };
  assert.equal(await read(sluice.logs(job.id)), 'out one\n');
  assert.equal(await read(sluice.logs(job.id, { file: 'stderr' })), 'err line\n');

  const ticking = await sluice.submit(shell('for i in 1 2 3; do echo "tick $i"; sleep 0.7; done'));
  await stack.waitForState(ticking.job.id, 'RUNNING');
  const chunks: { text: string; state: string }[] = [];
  for await (const text of sluice.logs(ticking.job.id, { follow: true })) {
    chunks.push({ text, state: (await sluice.getJob(ticking.job.id)).state });
  }
  assert.equal(chunks.map((c) => c.text).join(''), 'tick 1\ntick 2\ntick 3\n');
  assert.ok(chunks.some((c) => !isTerminalState(c.state)), 'output arrived while the job ran');
  assert.equal((await sluice.getJob(ticking.job.id)).state, 'SUCCEEDED');
});

test('logs follow: a connection cut midway is resumed without repeating or losing text', async () => {
  const proxy = await tcpProxy();
  const client = new SluiceClient({ url: proxy.url, token: ADMIN_TOKEN });
  const { job } = await sluice.submit(shell('for i in 1 2 3 4 5; do echo "line $i é"; sleep 0.5; done'));
  await stack.waitForState(job.id, 'RUNNING');
  let text = '';
  let cut = false;
  for await (const chunk of client.logs(job.id, { follow: true })) {
    text += chunk;
    if (!cut) {
      cut = true;
      proxy.cut();
    }
  }
  assert.equal(text, [1, 2, 3, 4, 5].map((i) => `line ${i} é\n`).join(''));
  assert.ok(proxy.requests.filter((h) => h.startsWith(`GET /v1/jobs/${job.id}/logs?`)).length >= 2, 'the follow was resumed');
});

test('a dead server: SluiceConnectionError naming the URL, within the bounded retries; at once without retries', async () => {
  const port = await freePort(); // free, and nothing listens on it
  const url = `http://127.0.0.1:${port}`;
  const secret = 'tok-dead-server-99';
  let started = Date.now();
  await assert.rejects(new SluiceClient({ url, token: secret }).getJob('job_01JZZZZZZZZZZZZZZZZZZZZZZZ'), (e: unknown) =>
    e instanceof SluiceConnectionError && e.url === url && e.message === `cannot reach Sluice at ${url}: connection refused` && !e.message.includes(secret));
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 1500 && elapsed < 5000, `five retries took ${elapsed} ms (bounded: 1.55–3.1 s of backoff)`);
  started = Date.now();
  await assert.rejects(new SluiceClient({ url, retries: 0 }).submit(shell('true')), SluiceConnectionError);
  assert.ok(Date.now() - started < 500);
  // Also for a stream: opening it fails the same way.
  await assert.rejects((async () => { for await (const _ of new SluiceClient({ url, retries: 1 }).events('job_x')); })(), SluiceConnectionError);
});

test('a server that never answers: the call times out after timeoutMs, not retried', async () => {
  const silent = createNetServer(() => {});
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const sockets: Socket[] = [];
  silent.on('connection', (s) => sockets.push(s));
  servers.push({ close: () => new Promise<void>((r) => { sockets.forEach((s) => s.destroy()); silent.close(() => r()); }) });
  const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  const started = Date.now();
  await assert.rejects(new SluiceClient({ url, timeoutMs: 300 }).getJob('job_01JZZZZZZZZZZZZZZZZZZZZZZZ'), (e: unknown) =>
    e instanceof SluiceConnectionError && e.failure === 'TIMEOUT' && /no answer within 300 ms/.test(e.message));
  assert.ok(Date.now() - started < 1500);
  assert.equal(sockets.length, 1, 'one connection: a timeout is not tried again');
});

test('a connection reset after the request was sent: a submit without a key is not tried again and says the job may exist; with a key it is', async () => {
  // Reads each request whole (headers and body), then drops the connection without an answer.
  let requests = 0;
  const sockets = new Set<Socket>();
  const dropper = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let data = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/^content-length: *(\d+)/im.exec(data.subarray(0, end).toString('latin1'))?.[1] ?? 0);
      if (data.length < end + 4 + length) return;
      requests++;
      socket.destroy();
    });
  });
  await new Promise<void>((resolve) => dropper.listen(0, '127.0.0.1', resolve));
  servers.push({ close: () => new Promise<void>((r) => { sockets.forEach((s) => s.destroy()); dropper.close(() => r()); }) });
  const client = new SluiceClient({ url: `http://127.0.0.1:${(dropper.address() as AddressInfo).port}`, token: ADMIN_TOKEN, retries: 2 });

  await assert.rejects(client.submit(shell('true')), (e: unknown) => {
    assert.ok(e instanceof SluiceConnectionError, String(e));
    assert.ok(['RESET', 'CLOSED'].includes(e.failure), e.failure);
    assert.match(e.message, /outcome is unknown: the job may have been created/);
    assert.match(e.message, /Idempotency-Key/);
    return true;
  });
  assert.equal(requests, 1, 'a submit without a key is sent once: another try could make a second job');

  requests = 0;
  await assert.rejects(client.submit(shell('true'), { idempotencyKey: 'client-test-reset-1' }), (e: unknown) => {
    assert.ok(e instanceof SluiceConnectionError, String(e));
    assert.ok(!/may have been created/.test(e.message), 'a keyed submit can be tried again safely: ' + e.message);
    return true;
  });
  assert.equal(requests, 3, 'a keyed submit is tried again: once and 2 retries');
});

test('abort: waitForJob of a running job rejects at once with the reason; the job is untouched', async () => {
  const { id, release } = await heldJob();
  const ac = new AbortController();
  const started = Date.now();
  await assert.rejects(
    sluice.waitForJob(id, { signal: ac.signal, onEvent: (e) => { if (stateOf(e) === 'RUNNING') setTimeout(() => ac.abort(new Error('caller gave up')), 100); } }),
    /caller gave up/,
  );
  assert.ok(Date.now() - started < 2000);
  assert.equal((await sluice.getJob(id)).state, 'RUNNING');
  release();
  assert.equal((await sluice.waitForJob(id)).state, 'SUCCEEDED');
});

test('abort during a Retry-After wait: it ends at once and leaves nothing running (the process exits by itself)', async () => {
  const front = await frontServer(() => storeUnavailable('20'));
  // A process of its own, so "nothing left running" is what Node sees: it exits only once no timer or socket is left.
  const script = `
    import { SluiceClient } from ${JSON.stringify(join(REPO, 'src/client/index.ts'))};
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const started = Date.now();
    try { await new SluiceClient({ url: ${JSON.stringify(front.url)} }).regions({ signal: ac.signal }); }
    catch (e) { console.log(JSON.stringify({ name: e.name, ms: Date.now() - started })); }
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let answeredAt = 0;
  child.stdout.on('data', (d) => { out += d; answeredAt ||= Date.now(); });
  child.stderr.on('data', (d) => { out += d; });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const lingered = Date.now() - answeredAt;
  assert.equal(code, 0, out);
  const result = JSON.parse(out.trim().split('\n').at(-1)!);
  assert.equal(result.name, 'AbortError');
  assert.ok(result.ms < 1000, `the call ended ${result.ms} ms after it began`);
  assert.ok(lingered < 3000, `the process exited ${lingered} ms after the call ended (a leftover 20 s timer would hold it)`);
  assert.equal(front.seen.length, 1);
});

test('cancel: a running job ends KILLED with the reason given; cancelling again is a no-op', async () => {
  const { id } = await heldJob();
  const cancelling = await sluice.cancel(id, 'client test');
  assert.ok(['CANCELLING', 'KILLED'].includes(cancelling.state), cancelling.state);
  const done = await sluice.waitForJob(id);
  assert.equal(done.state, 'KILLED');
  assert.equal(done.cancel?.reason, 'client test');
  assert.deepEqual(await sluice.cancel(id), done);
});

test('listJobs: filters by label and state, pages with nextCursor', async () => {
  const team = `t${Date.now()}`;
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) ids.push((await sluice.submit(shell('true', { labels: { team } }))).job.id);
  for (const id of ids) await sluice.waitForJob(id);
  const first = await sluice.listJobs({ label: `team:${team}`, limit: 2 });
  assert.equal(first.jobs.length, 2);
  assert.ok(first.nextCursor);
  const second = await sluice.listJobs({ label: `team:${team}`, limit: 2, cursor: first.nextCursor! });
  assert.deepEqual([...first.jobs, ...second.jobs].map((j) => j.id).sort(), [...ids].sort());
  assert.equal((await sluice.listJobs({ label: `team:${team}`, state: 'FAILED' })).jobs.length, 0);
});

test("regions: RegionView has exactly the fields /openapi.json documents; the live answer has them all", async () => {
  // Compile-time exhaustive: adding or removing a field of RegionView breaks these lists.
  const top: Record<keyof RegionView, true> = { name: true, rollout: true, health: true, queue: true, trackedApplications: true };
  const health: Record<keyof RegionView['health'], true> = { status: true, intake: true, checks: true, tracking: true, queues: true, at: true };
  const queue: Record<keyof RegionView['queue'], true> = { waiting: true, active: true, delayed: true, failed: true, completed: true };
  const doc = await (await fetch(`${stack.api}/openapi.json`)).json() as any;
  const documented = doc.paths['/v1/regions'].get.responses['200'].content['application/json'].schema.properties.regions.items;
  const keys = (o: object) => Object.keys(o).sort();
  assert.deepEqual(keys(top), keys(documented.properties));
  assert.deepEqual(keys(health), keys(documented.properties.health.properties));
  assert.deepEqual(keys(queue), keys(documented.properties.queue.properties));

  const [ra] = await sluice.regions();
  assert.equal(ra?.name, 'ra');
  for (const k of keys(top)) assert.ok(k in ra, `live answer lacks ${k}`);
  for (const k of keys(health)) assert.ok(k in ra.health, `live answer lacks health.${k}`);
  assert.equal(typeof ra.rollout.version, 'number');
  assert.ok(['file', 'live'].includes(ra.rollout.source));
});

test('rollout: show, set (admins only), history, decision; a shadowed job is awaited to SHADOWED; adoption counts it', async () => {
  const team = new SluiceClient({ url: stack.api, token: TEAM_TOKEN });
  const before = await sluice.rollout('ra');
  await assert.rejects(team.setRollout('ra', { mode: 'shadow', reason: 'try' }), (e: unknown) => e instanceof SluiceApiError && e.status === 403 && e.code === 'ADMIN_REQUIRED');
  await assert.rejects(sluice.setRollout('ra', { mode: 'shadow', reason: ' ' }), (e: unknown) =>
    e instanceof SluiceApiError && e.status === 400 && (e.issues ?? []).some((i) => i.path.includes('reason')));
  await assert.rejects(sluice.rollout('nowhere'), (e: unknown) => e instanceof SluiceApiError && e.code === 'REGION_NOT_FOUND');

  const changed = await sluice.setRollout('ra', { mode: 'shadow', reason: 'client test: shadow' });
  try {
    assert.equal(changed.rollout.mode, 'shadow');
    assert.equal(changed.rollout.version, before.version + 1);
    assert.equal(changed.change?.to.mode, 'shadow');
    assert.equal((await sluice.setRollout('ra', { mode: 'shadow', reason: 'again' })).change, null, 'the same setting again records nothing');
    assert.equal((await sluice.rollout('ra')).mode, 'shadow');
    const [latest] = await sluice.rolloutHistory('ra', { limit: 1 });
    assert.equal(latest?.reason, 'client test: shadow');
    assert.equal(latest?.by, 'admin');
    const decision = await team.rolloutDecision('ra', { team: 'search', dag: 'd', task: 't' });
    assert.equal(decision.route, 'shadow');
    assert.equal(decision.mode, 'shadow');

    const { job } = await team.submit(shell('true', { labels: { team: 'client-shadow' } }));
    const events: JobEvent[] = [];
    const shadowed = await team.waitForJob(job.id, { onEvent: (e) => events.push(e) });
    assert.equal(shadowed.state, 'SHADOWED');
    assert.ok(shadowed.shadow, 'the shadow report');
    const final = events.at(-1)!;
    assert.equal(final.type === 'job.state_changed' ? final.to : final.state, 'SHADOWED', 'the stream ended with the terminal event');
    const adoption = await sluice.adoption({ by: 'team', region: 'ra' });
    assert.equal(adoption.by, 'team');
    assert.equal(adoption.groups.find((g) => g.key === 'client-shadow')?.shadowed.total, 1);
  } finally {
    await sluice.setRollout('ra', { mode: before.mode, canary: before.canary, reason: 'client test: back' });
  }
  assert.equal((await sluice.rollout('ra')).mode, before.mode);
});
