// Stopping, as a user does it: `npm run dev` then Ctrl-C (SIGINT to the whole process group),
// `kill -TERM` of the npm process only, either one during start-up, and dev SIGKILLed. Every process
// dev started (its descendants, listed from /proc before the signal, plus anything that inherited
// the test's marker variable) must be gone within 15 s, with no error flood and the port free.
// `sluice serve` and `sluice worker` stop on SIGTERM within the 10 s deadline with exit code 0, and a
// worker whose Redis is gone still stops within it.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { freePort, startLocalRedis } from '../../src/dev/local-redis.ts';
import { commOf, descendants, isAlive, pollUntil, processesWithEnv, processWithMarkerAlive, Watched } from '../support/processes.ts';
import { realYarnSkip } from '../support/real-yarn.ts';
import { REPO, redisUrl } from '../support/stack.ts';

const ALL_GONE_MS = 15_000;
const STOP_DEADLINE_MS = 10_000;
/** Process exit and the kernel's bookkeeping, on top of the stop deadline. */
const MARGIN_MS = 1500;
const TOKEN = 'dev-token-stop-signals';

interface Dev { npm: Watched; port: number; marker: string }

async function startDev(args: string[]): Promise<Dev> {
  const port = await freePort();
  const marker = `STOP_TEST_MARKER=${randomBytes(6).toString('hex')}`;
  const npm = new Watched('npm', ['run', 'dev', '--', ...args], {
    cwd: REPO,
    // Its own process group, as a terminal's foreground job: a group signal is a Ctrl-C.
    detached: true,
    env: {
      ...process.env, NODE_ENV: 'development', SLUICE_HTTP_PORT: String(port), SLUICE_DEV_TOKEN: TOKEN,
      SLUICE_REDIS_URL: '', [marker.split('=')[0]!]: marker.split('=')[1],
    },
  });
  return { npm, port, marker };
}

/** Everything dev started, now: npm's descendants. */
function started(dev: Dev): number[] {
  return descendants(dev.npm.pid);
}

async function portFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The Done-when check: all gone within 15 s of the signal, no flood, no unhandled error, port free. */
async function assertAllGone(dev: Dev, before: number[], signalAt: number): Promise<number> {
  const all = [dev.npm.pid, ...before];
  await pollUntil('every process dev started to be gone', ALL_GONE_MS - (Date.now() - signalAt), () => {
    const left = all.filter(isAlive).concat(processesWithEnv(dev.marker));
    return left.length === 0;
  }).catch((err: Error) => {
    const left = [...new Set(all.filter(isAlive).concat(processesWithEnv(dev.marker)))];
    throw new Error(`${err.message}; left: ${left.map((p) => `${p} ${commOf(p)}`).join(', ')}\n${dev.npm.output}`);
  });
  const tookMs = Date.now() - signalAt;
  assert.doesNotMatch(dev.npm.stderr, /Unhandled error event/, dev.npm.output);
  const stderrLines = dev.npm.stderr.split('\n').filter((l) => l.trim()).length;
  assert.ok(stderrLines <= 5, `stderr has ${stderrLines} lines:\n${dev.npm.output}`);
  assert.equal(await portFree(dev.port), true, `port ${dev.port} still bound`);
  return tookMs;
}

const signalGroup = (dev: Dev, signal: NodeJS.Signals) => process.kill(-dev.npm.pid, signal);

test('npm run dev, Ctrl-C (SIGINT to the group) with a job running: every process gone, the job\'s container too', { timeout: 120_000 }, async () => {
  const dev = await startDev(['--emulator']);
  await dev.npm.waitFor(/Running\. Ctrl-C stops everything/, 90_000);
  const marker = `sluice-stop-${randomBytes(6).toString('hex')}`;
  const res = await fetch(`http://127.0.0.1:${dev.port}/v1/jobs`, {
    method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ region: 'local-a', name: 'long', kind: 'shell', script: `#!/usr/bin/env bash\nexec -a ${marker} sleep 300\n` }),
  });
  assert.equal(res.status, 202, await res.text());
  await pollUntil('the job\'s process to run', 30_000, () => processWithMarkerAlive(marker));
  const before = started(dev);
  assert.ok(before.some((p) => commOf(p) === 'redis-server'), 'redis-server among the processes');
  const at = Date.now();
  signalGroup(dev, 'SIGINT');
  const tookMs = await assertAllGone(dev, before, at);
  assert.equal(processWithMarkerAlive(marker), false, 'the job\'s container process is gone');
  assert.equal((await dev.npm.exit).code, 0, dev.npm.output);
  assert.match(dev.npm.stdout, /"msg":"stopped"/);
  console.log(`Ctrl-C: ${before.length} processes gone in ${tookMs} ms`);
});

test('npm run dev, kill -TERM of the npm process only: every process gone', { timeout: 120_000 }, async () => {
  const dev = await startDev(['--emulator']);
  await dev.npm.waitFor(/Running\. Ctrl-C stops everything/, 90_000);
  const before = started(dev);
  const at = Date.now();
  process.kill(dev.npm.pid, 'SIGTERM');
  const tookMs = await assertAllGone(dev, before, at);
  assert.equal((await dev.npm.exit).code, 0, dev.npm.output);
  console.log(`kill -TERM npm: ${before.length} processes gone in ${tookMs} ms`);
});

test('npm run dev, Ctrl-C during start-up (Redis up, workers not yet): every process gone', { timeout: 120_000 }, async () => {
  const dev = await startDev(['--emulator']);
  await pollUntil('redis-server to start', 60_000, () => started(dev).some((p) => commOf(p) === 'redis-server'), 10);
  const before = started(dev);
  const at = Date.now();
  signalGroup(dev, 'SIGINT');
  const tookMs = await assertAllGone(dev, before, at);
  assert.doesNotMatch(dev.npm.stdout, /Sluice is up/);
  console.log(`Ctrl-C during start-up: ${before.length} processes gone in ${tookMs} ms`);
});

test('npm run dev, kill -TERM of npm during start-up (workers starting): every process gone', { timeout: 120_000 }, async () => {
  const dev = await startDev(['--emulator']);
  await pollUntil('a worker process to start', 60_000, () => started(dev).some((p) => /region-worker|worker --region/.test(cmdline(p))), 10);
  const before = started(dev);
  const at = Date.now();
  process.kill(dev.npm.pid, 'SIGTERM');
  const tookMs = await assertAllGone(dev, before, at);
  console.log(`kill -TERM npm during start-up: ${before.length} processes gone in ${tookMs} ms`);
});

test('sluice dev SIGKILLed: its workers (stdin closes) and Redis (parent-death signal) stop by themselves', { timeout: 120_000 }, async () => {
  const dev = await startDev(['--emulator']);
  await dev.npm.waitFor(/Running\. Ctrl-C stops everything/, 90_000);
  const before = started(dev);
  const node = before.find((p) => / dev --emulator/.test(cmdline(p)) && commOf(p) !== 'sh');
  assert.ok(node, `the dev node process among ${before.map(cmdline).join(' | ')}`);
  const at = Date.now();
  process.kill(node, 'SIGKILL');
  const tookMs = await assertAllGone(dev, before, at);
  console.log(`dev SIGKILLed: ${before.length} processes gone in ${tookMs} ms`);
});

test('npm run dev with a real YARN, Ctrl-C with a job running: JVMs and the container gone; the daemons never saw dev\'s env', { timeout: 600_000, skip: realYarnSkip() }, async () => {
  const dev = await startDev([]);
  await dev.npm.waitFor(/Running\. Ctrl-C stops everything/, 400_000);
  assert.match(dev.npm.stdout, /YARN: real Hadoop/);
  const marker = `sluice-stop-${randomBytes(6).toString('hex')}`;
  const res = await fetch(`http://127.0.0.1:${dev.port}/v1/jobs`, {
    method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ region: 'local-a', name: 'long', kind: 'shell', script: `#!/usr/bin/env bash\nexec -a ${marker} sleep 300\n` }),
  });
  assert.equal(res.status, 202, await res.text());
  await pollUntil('the job\'s process to run', 120_000, () => processWithMarkerAlive(marker), 200);
  const before = started(dev);
  const jvms = before.filter((p) => commOf(p) === 'java');
  assert.ok(jvms.length >= 2, 'RM and NM JVMs');
  for (const pid of jvms) {
    const env = environ(pid);
    assert.ok(!env.some((e) => e.startsWith('SLUICE_')), `JVM ${pid} has a SLUICE_ variable`);
    assert.ok(!env.includes(dev.marker), `JVM ${pid} inherited dev's environment`);
  }
  const at = Date.now();
  signalGroup(dev, 'SIGINT');
  const tookMs = await assertAllGone(dev, before, at);
  assert.equal(processWithMarkerAlive(marker), false, 'the job\'s container process is gone');
  console.log(`Ctrl-C with a real YARN: ${before.length} processes gone in ${tookMs} ms`);
});

function sluice(args: string[], env: Record<string, string>): Watched {
  return new Watched(process.execPath, ['bin/sluice.js', ...args], {
    cwd: REPO, env: { ...process.env, NODE_ENV: 'test', SLUICE_LOG_LEVEL: 'info', SLUICE_NAMESPACE: `stop${randomBytes(4).toString('hex')}`, ...env },
  });
}

test('sluice serve stops on SIGTERM within the deadline, exit code 0, port free', { timeout: 60_000 }, async () => {
  const port = await freePort();
  const serve = sluice(['serve'], { SLUICE_REDIS_URL: redisUrl(), SLUICE_HTTP_PORT: String(port) });
  await serve.waitFor(/sluice API listening/, 30_000);
  const at = Date.now();
  serve.child.kill('SIGTERM');
  const exit = await serve.exit;
  assert.equal(exit.code, 0, serve.output);
  assert.ok(exit.at - at < STOP_DEADLINE_MS + MARGIN_MS, `took ${exit.at - at} ms`);
  assert.match(serve.stdout, /"msg":"stopped"/);
  assert.equal(await portFree(port), true);
  console.log(`sluice serve: stopped in ${exit.at - at} ms`);
});

test('sluice worker stops on SIGTERM within the deadline, exit code 0', { timeout: 60_000 }, async () => {
  const worker = sluice(['worker', '--region', 'local-a'], { SLUICE_REDIS_URL: redisUrl() });
  await worker.waitFor(/region worker started/, 30_000);
  const at = Date.now();
  worker.child.kill('SIGTERM');
  const exit = await worker.exit;
  assert.equal(exit.code, 0, worker.output);
  assert.ok(exit.at - at < STOP_DEADLINE_MS + MARGIN_MS, `took ${exit.at - at} ms`);
  assert.match(worker.stdout, /"step":"region worker".*"msg":"stopped region worker"/);
  console.log(`sluice worker: stopped in ${exit.at - at} ms`);
});

test('sluice worker with its Redis gone: one line per connection, no unhandled errors, stops within the deadline', { timeout: 60_000 }, async () => {
  const redis = await startLocalRedis();
  try {
    const worker = sluice(['worker', '--region', 'local-a'], { SLUICE_REDIS_URL: redis.url });
    await worker.waitFor(/region worker started/, 30_000);
    redis.kill();
    await worker.waitFor(/Redis connection .* (lost|closed)/, 10_000);
    // ioredis retries while the worker stops (steps wait for Redis up to their short deadline):
    // what the worker logs must not grow with the retries.
    const at = Date.now();
    worker.child.kill('SIGTERM');
    const exit = await worker.exit;
    assert.ok(exit.at - at < STOP_DEADLINE_MS + MARGIN_MS, `took ${exit.at - at} ms:\n${worker.output}`);
    assert.doesNotMatch(worker.stderr, /Unhandled error event/, worker.output);
    const lostLines = worker.stdout.split('\n').filter((l) => /Redis connection .* (lost|closed)/.test(l)).length;
    assert.ok(lostLines <= 8, `${lostLines} "lost" lines:\n${worker.output}`);
    console.log(`sluice worker, Redis gone: stopped in ${exit.at - at} ms (exit ${exit.code}), ${lostLines} connection-lost lines`);
  } finally {
    await redis.close();
  }
});

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

function environ(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  } catch {
    return [];
  }
}
