// Regions with their own routing and preflight (the seeds' failure): region rb reaches its
// ResourceManager and STS only through its proxy; when its STS goes away, its jobs that require
// sts wait in PREFLIGHT and fail PREFLIGHT_FAILED at their deadline, while region ra keeps running;
// when STS is back, rb's waiting jobs proceed. A failing critical check pauses rb's intake.

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, test } from 'node:test';
import { freePort } from '../../src/dev/local-redis.ts';
import { MOTO_ACCOUNT, startMoto, type Moto } from '../support/moto.ts';
import { waitForPreflightRounds } from '../support/preflight-rounds.ts';
import { shellJob, Stack } from '../support/stack.ts';
import { startTinyproxy, type Tinyproxy } from '../support/tinyproxy.ts';
import { waitFor } from '../support/wait-for.ts';

let stack: Stack;
let moto: Moto;
let motoPort: number;
let proxy: Tinyproxy;
let kms: Server | null = null;
let kmsPort: number;

const listen = (port: number) => new Promise<Server>((resolve) => { const s = createServer((c) => c.destroy()); s.listen(port, '127.0.0.1', () => resolve(s)); });
const closeServer = (s: Server) => new Promise<void>((resolve) => s.close(() => resolve()));

before(async () => {
  motoPort = await freePort();
  moto = await startMoto(motoPort);
  proxy = await startTinyproxy();
  kmsPort = await freePort();
  kms = await listen(kmsPort);
  stack = await Stack.start({
    regions: ['ra', 'rb'],
    region: (name) => name === 'rb' ? {
      network: { connectTimeoutMs: 1000, requestTimeoutMs: 3000, proxy: proxy.url },
      preflight: {
        intervalSeconds: 1,
        deadlineSeconds: 300,
        checks: [
          { name: 'sts', type: 'sts', endpoint: moto.url, expectAccount: MOTO_ACCOUNT },
          { name: 'kms', type: 'tcp', host: '127.0.0.1', port: kmsPort, critical: true },
        ],
      },
    } : {},
  });
});
after(async () => {
  await stack?.close();
  await moto?.close();
  await proxy?.close();
  if (kms) await closeServer(kms);
});

const regionView = async (name: string) => (await stack.request('GET', '/v1/regions')).body.regions.find((r: { name: string }) => r.name === name);
const until = (what: string, check: () => Promise<boolean>) => waitFor(check, { what, intervalMs: 200 });

test("rb's ResourceManager and STS calls go through rb's proxy; ra's do not", async () => {
  const b = await stack.submit(shellJob('rb', 'echo via proxy', { requires: ['sts'] }));
  await stack.waitForState(b.body.id, 'SUCCEEDED');
  const a = await stack.submit(shellJob('ra', 'echo direct'));
  await stack.waitForState(a.body.id, 'SUCCEEDED');
  const through = proxy.connects();
  const port = (url: string) => new URL(url).port;
  assert.ok(through.some((t) => t.endsWith(`:${port(stack.emulators.get('rb')!.url)}`)), `rb's RM not in ${through}`);
  assert.ok(through.some((t) => t.endsWith(`:${motoPort}`)), `STS not in ${through}`);
  assert.ok(!through.some((t) => t.endsWith(`:${port(stack.emulators.get('ra')!.url)}`)), `ra's RM went through rb's proxy: ${through}`);
});

test('GET /v1/regions shows every check of the region with its last result', async () => {
  const rb = await regionView('rb');
  assert.equal(rb.health.status, 'ok');
  assert.equal(rb.health.intake, 'open');
  assert.deepEqual(rb.health.checks.map((c: { name: string }) => c.name), ['yarn-rm', 'sts', 'kms']);
  for (const c of rb.health.checks) {
    assert.equal(c.ok, true, JSON.stringify(c));
    assert.equal(c.code, 'OK');
    assert.equal(typeof c.latencyMs, 'number');
    assert.ok(Date.parse(c.at) > 0);
  }
});

test("rb's STS unreachable: rb's sts jobs wait then fail PREFLIGHT_FAILED naming sts; ra keeps running; STS back: waiting jobs proceed", async () => {
  await moto.close();
  await until('rb to see sts failing', async () => (await regionView('rb')).health.checks.some((c: { name: string; ok: boolean }) => c.name === 'sts' && !c.ok));
  const rb = await regionView('rb');
  assert.equal(rb.health.status, 'degraded');
  assert.equal(rb.health.intake, 'open', 'sts is not critical: jobs that do not need it still run');

  const doomed = await stack.submit(shellJob('rb', 'echo never', { requires: ['sts'], preflightDeadlineSeconds: 3 }));
  const patient = await stack.submit(shellJob('rb', 'echo after sts', { requires: ['sts'], preflightDeadlineSeconds: 120 }));
  const independent = await stack.submit(shellJob('rb', 'echo no sts needed'));
  const elsewhere = await stack.submit(shellJob('ra', 'echo region a'));
  await stack.waitForState(elsewhere.body.id, 'SUCCEEDED');
  await stack.waitForState(independent.body.id, 'SUCCEEDED');

  const failed = await stack.waitForState(doomed.body.id, 'FAILED', 20_000);
  assert.equal(failed.error!.code, 'PREFLIGHT_FAILED');
  assert.match(failed.error!.message, /region rb/);
  assert.match(failed.error!.message, /"sts" \((CONNECTION_REFUSED|PROXY_ERROR)/);
  assert.equal(failed.application, null, 'nothing was submitted');
  assert.equal((await stack.request('GET', `/v1/jobs/${patient.body.id}`)).body.state, 'PREFLIGHT');

  moto = await startMoto(motoPort);
  const done = await stack.waitForState(patient.body.id, 'SUCCEEDED', 30_000);
  assert.ok(done.application);
  await until('rb healthy again', async () => (await regionView('rb')).health.status === 'ok');
});

test('a failing critical check pauses intake: jobs stay QUEUED until it passes', async () => {
  await closeServer(kms!);
  kms = null;
  await until('rb intake paused', async () => (await regionView('rb')).health.intake === 'paused');
  const rb = await regionView('rb');
  const check = rb.health.checks.find((c: { name: string }) => c.name === 'kms');
  assert.equal(check.ok, false);
  assert.match(check.code, /CONNECTION_REFUSED|PROXY_ERROR/);
  const submittedAt = Date.now();
  const newApps = () => stack.emulators.get('rb')!.requestCount({ method: 'POST', path: '/ws/v1/cluster/apps/new-application' });
  const appsBefore = newApps();
  const job = await stack.submit(shellJob('rb', 'echo resumed'));
  assert.equal(job.status, 202);
  // Two whole rounds of rb's worker with kms still failing and the job in its queue: had the
  // worker taken it, it would have left QUEUED and asked rb's RM for an application id.
  const kmsRound = await waitForPreflightRounds(stack, 'rb', { check: 'kms', rounds: 2, sinceMs: submittedAt });
  assert.equal(kmsRound.ok, false);
  assert.equal((await stack.request('GET', `/v1/jobs/${job.body.id}`)).body.state, 'QUEUED');
  assert.equal(newApps(), appsBefore, 'no application id asked for while intake is paused');
  kms = await listen(kmsPort);
  await stack.waitForState(job.body.id, 'SUCCEEDED', 20_000);
  assert.equal((await regionView('rb')).health.intake, 'open');
});

test('region.health_changed events are published', async () => {
  const events = await stack.redis.xrange(`${stack.ns}:events`, '-', '+');
  const health = events.filter(([, f]) => f[1] === 'region.health_changed').map(([, f]) => `${f[f.indexOf('region') + 1]}:${f[f.indexOf('to') + 1]}`);
  assert.ok(health.includes('rb:degraded'), JSON.stringify(health));
  assert.ok(health.includes('rb:ok'), JSON.stringify(health));
});

test('sluice preflight --region: a table of the checks through the region routing; exit 1 when one fails', async () => {
  const { execFile } = await import('node:child_process');
  const { REPO } = await import('../support/stack.ts');
  // Asynchronously: the emulator answering the command's yarn-rm check lives in this process.
  const run = () => new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['bin/sluice.js', 'preflight', '--region', 'rb'], {
      cwd: REPO, encoding: 'utf8', timeout: 60_000,
      env: { ...process.env, NODE_ENV: 'test', SLUICE_REGIONS_DIR: stack.regionsDir, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' },
    }, (err, stdout, stderr) => resolve({ status: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }));
  });
  const ok = await run();
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /^check\s+type\s+result\s+code\s+ms\s+message$/m);
  assert.match(ok.stdout, /^sts\s+sts\s+ok\s+OK\s+\d+/m);
  assert.match(ok.stdout, /region rb: 3\/3 checks pass/);
  await moto.close();
  try {
    const failing = await run();
    assert.equal(failing.status, 1, failing.stdout + failing.stderr);
    assert.match(failing.stdout, /^sts\s+sts\s+FAIL\s+(CONNECTION_REFUSED|PROXY_ERROR)/m);
  } finally {
    moto = await startMoto(motoPort);
  }
});
