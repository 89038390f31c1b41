// The API's event hub across a Redis outage, on a redis-server of its own (killed and restarted
// on the same port): it reconnects by itself and goes on delivering, and close() returns at once
// while Redis is down (it never waits on a dead connection).

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Redis } from 'ioredis';
import { freePort } from '../../src/dev/local-redis.ts';
import { EventHub, type SluiceEvent } from '../../src/events/index.ts';
import { createLogger } from '../../src/log.ts';
import { connectRedis } from '../../src/redis/index.ts';
import { waitFor as waitForCondition } from '../support/wait-for.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-hub-outage-'));
let server: ChildProcess | null = null;
after(() => {
  server?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** The shared waitFor, called what-first as these tests read best. */
const waitFor = <T>(what: string, condition: () => T | Promise<T>, timeoutMs?: number) => waitForCondition(condition, { what, timeoutMs });

async function startServer(port: number): Promise<void> {
  server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  probe.on('error', () => {});
  try {
    await waitFor('redis-server answering', () => probe.connect().then(() => probe.ping()).catch(() => probe.disconnect()));
  } finally {
    probe.disconnect();
  }
}

async function killServer(): Promise<void> {
  const s = server!;
  server = null;
  const exited = new Promise((r) => s.once('exit', r));
  s.kill('SIGKILL');
  await exited;
}

test('the hub reconnects after Redis comes back, and closes at once while it is down', async () => {
  const port = await freePort();
  await startServer(port);
  const url = `redis://127.0.0.1:${port}`;
  const log = createLogger('silent');
  const blocking = connectRedis(url, { name: 'event-hub', role: 'background', log, options: { lazyConnect: true } });
  const hub = new EventHub({ blocking, stream: 'h:events', log, blockMs: 1000 });
  const writer = new Redis(url, { maxRetriesPerRequest: null });
  writer.on('error', () => {});
  const got: SluiceEvent[] = [];
  let closed = 0;
  await hub.subscribe('all', { onEvent: (e) => got.push(e), onClose: () => { closed++; } });
  const add = (n: number) => writer.xadd('h:events', '*', 'type', 'region.health_changed', 'region', 'r', 'from', 'ok', 'to', `n${n}`, 'at', new Date().toISOString());
  try {
    await add(1);
    await waitFor('the first event', () => got.length === 1);

    await killServer();
    await waitFor('the hub sees Redis gone', () => blocking.status !== 'ready');
    await startServer(port);
    await waitFor('the writer back', () => writer.status === 'ready');
    await add(2);
    await waitFor('an event written after the restart', () => got.some((e) => e.type === 'region.health_changed' && e.to === 'n2'));

    await killServer();
    await waitFor('the hub sees Redis gone again', () => blocking.status !== 'ready');
    const started = Date.now();
    await hub.close();
    assert.ok(Date.now() - started < 1000, `close() took ${Date.now() - started} ms with Redis down`);
    assert.equal(closed, 1, 'the subscriber was told to end its stream');
    await assert.rejects(hub.subscribe('all', { onEvent: () => {}, onClose: () => {} }), /closed/);
  } finally {
    writer.disconnect();
    await hub.close();
  }
});
