// GET /v1/jobs/{id}/logs: the job container's stdout/stderr, read by the region's worker from the
// NodeManager (here the emulator's), while running (follow) and after the end.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ADMIN_TOKEN, shellJob, Stack } from '../support/stack.ts';

let stack: Stack;
before(async () => { stack = await Stack.start({ regions: ['ra'] }); });
after(async () => { await stack?.close(); });

test('stdout and stderr after the end', async () => {
  const res = await stack.submit(shellJob('ra', 'echo "out $1"; echo "err line" >&2', { args: ['one'] }));
  await stack.waitForState(res.body.id, 'SUCCEEDED');
  const out = await stack.request('GET', `/v1/jobs/${res.body.id}/logs`);
  assert.equal(out.status, 200);
  assert.equal(out.body, 'out one\n');
  const err = await stack.request('GET', `/v1/jobs/${res.body.id}/logs?file=stderr`);
  assert.equal(err.body, 'err line\n');
});

test('follow streams the output while the job runs and ends with the job', async () => {
  const res = await stack.submit(shellJob('ra', 'for i in 1 2 3; do echo "tick $i"; sleep 0.7; done'));
  await stack.waitForState(res.body.id, 'RUNNING');
  const started = Date.now();
  const follow = await fetch(`${stack.api}/v1/jobs/${res.body.id}/logs?follow=true`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  const chunks: { at: number; text: string }[] = [];
  const decoder = new TextDecoder();
  for await (const chunk of follow.body as unknown as AsyncIterable<Uint8Array>) chunks.push({ at: Date.now() - started, text: decoder.decode(chunk) });
  assert.equal(chunks.map((c) => c.text).join(''), 'tick 1\ntick 2\ntick 3\n');
  assert.ok(chunks.length >= 2, `output arrived in ${chunks.length} piece(s): it was streamed, not sent at the end`);
  assert.equal((await stack.request('GET', `/v1/jobs/${res.body.id}`)).body.state, 'SUCCEEDED');
});

test("the region's worker down: 503 WORKER_UNAVAILABLE naming the region", async () => {
  await stack.stopWorker('ra');
  try {
    const res = await stack.submit(shellJob('ra', 'true'));
    const down = await stack.request('GET', `/v1/jobs/${res.body.id}/logs`);
    assert.equal(down.status, 503);
    assert.equal(down.body.error.code, 'WORKER_UNAVAILABLE');
    assert.match(down.body.error.message, /region ra/);
  } finally {
    await stack.startWorker('ra');
  }
  const queued = await stack.submit(shellJob('ra', 'true'));
  await stack.waitForState(queued.body.id, 'SUCCEEDED');
});

test('bad query: 400 naming the parameter', async () => {
  const res = await stack.submit(shellJob('ra', 'true'));
  const bad = await stack.request('GET', `/v1/jobs/${res.body.id}/logs?file=syslog`);
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.body.error.issues[0].path, ['query', 'file']);
});
