// Every preflight check against real parts — moto_server as STS, the RM emulator, tinyproxy,
// loopback servers — through a region's routing; and the time one round of five checks takes.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { startRmEmulator, type RmEmulator } from '../../src/emulator/index.ts';
import { checkHttps, checkSts, checkTcp, checkYarnRm, preflightConfig, runChecks, type CheckResult } from '../../src/preflight/index.ts';
import { buildRouting, type NetworkConfig, type Routing } from '../../src/routing/index.ts';
import { MOTO_ACCOUNT, MOTO_CREDENTIALS, startMoto, type Moto } from '../support/moto.ts';
import { closedPort, selfSignedCert, startRecordingServer, type RecordingServer } from '../support/recording-server.ts';
import { startTinyproxy, type Tinyproxy } from '../support/tinyproxy.ts';

const BASE: NetworkConfig = { connectTimeoutMs: 1000, requestTimeoutMs: 1500 };
const SLACK_MS = 1000;
const silentLog = pino({ level: 'silent' });

let scratch: string;
let moto: Moto;
let rm: RmEmulator;
let standby: RmEmulator;
let web: RecordingServer;
let tls: RecordingServer;
let certFile: string;
const routings: Routing[] = [];
function routing(network: Partial<NetworkConfig> = {}): Routing {
  const r = buildRouting({ ...BASE, ...network });
  routings.push(r);
  return r;
}
const sts = (over: Record<string, unknown> = {}) => ({ name: 'sts', type: 'sts' as const, endpoint: moto.url, critical: false, ...over });
const yarn = (resourceManagers: string[]) => ({ resourceManagers, user: 'sluice' });
const brief = (r: CheckResult) => `${r.name} ${r.code} ${r.latencyMs} ms: ${r.message}`;

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'sluice-preflight-'));
  const cert = selfSignedCert(scratch, ['web.test.internal']);
  certFile = cert.certFile;
  [moto, rm, standby, web, tls] = await Promise.all([
    startMoto(),
    startRmEmulator({ logger: silentLog }),
    startRmEmulator({ logger: silentLog, haState: 'STANDBY' }),
    startRecordingServer({ respond: (req, res) => { res.statusCode = req.url === '/down' ? 503 : 200; res.end('{}'); } }),
    startRecordingServer({ mode: 'https', tls: cert }),
  ]);
  standby.setStandby(rm.url);
});
after(async () => {
  for (const r of routings) await r.close();
  await Promise.all([moto?.close(), rm?.close(), standby?.close(), web?.close(), tls?.close()]);
  rmSync(scratch, { recursive: true, force: true });
});

describe('sts (moto_server)', () => {
  it('GetCallerIdentity through the routing: OK', async () => {
    const r = await checkSts(sts({ expectAccount: MOTO_ACCOUNT }), { routing: routing(), credentials: MOTO_CREDENTIALS });
    assert.equal(r.code, 'OK', r.message);
    assert.equal(r.ok, true);
    assert.match(r.message, /account 123456789012/);
  });

  it('another account than expectAccount: WRONG_ACCOUNT', async () => {
    const r = await checkSts(sts({ expectAccount: '210987654321' }), { routing: routing(), credentials: MOTO_CREDENTIALS });
    assert.equal(r.code, 'WRONG_ACCOUNT');
    assert.equal(r.ok, false);
  });

  it('the SDK follows the routing: hosts name, allow-list and source address apply', async () => {
    const port = new URL(moto.url).port;
    const r = routing({ hosts: { 'sts.test.internal': '127.0.0.1' }, allowedHosts: ['sts.test.internal'], localAddress: '127.0.0.2' });
    const ok = await checkSts(sts({ endpoint: `http://sts.test.internal:${port}` }), { routing: r, credentials: MOTO_CREDENTIALS });
    assert.equal(ok.code, 'OK', ok.message);
    const denied = await checkSts(sts(), { routing: r, credentials: MOTO_CREDENTIALS });
    assert.equal(denied.code, 'EGRESS_DENIED', denied.message);
  });

  it('the SDK follows the proxy too: tinyproxy logs the CONNECT to moto', async () => {
    const proxy = await startTinyproxy();
    try {
      const r = await checkSts(sts(), { routing: routing({ proxy: proxy.url }), credentials: MOTO_CREDENTIALS });
      assert.equal(r.code, 'OK', r.message);
      assert.ok(proxy.connects().includes(new URL(moto.url).host), proxy.log());
    } finally {
      await proxy.close();
    }
  });

  it('an unreachable endpoint keeps the routing code', async () => {
    const r = await checkSts(sts({ endpoint: `http://127.0.0.1:${await closedPort()}` }), { routing: routing(), credentials: MOTO_CREDENTIALS });
    assert.equal(r.code, 'CONNECTION_REFUSED', r.message);
  });
});

describe('yarn-rm (RM emulator)', () => {
  it('the active RM: OK', async () => {
    const r = await checkYarnRm({ name: 'rm', type: 'yarn-rm' }, { routing: routing(), ...yarn([rm.url]) });
    assert.equal(r.code, 'OK', r.message);
  });

  it('HA pair, one standby: OK, and both states are reported', async () => {
    const r = await checkYarnRm({ name: 'rm', type: 'yarn-rm' }, { routing: routing(), ...yarn([standby.url, rm.url]) });
    assert.equal(r.code, 'OK', r.message);
    assert.match(r.message, /STANDBY.*ACTIVE/);
  });

  it('only a standby answers: NO_ACTIVE_RM', async () => {
    const r = await checkYarnRm({ name: 'rm', type: 'yarn-rm' }, { routing: routing(), ...yarn([standby.url, `http://127.0.0.1:${await closedPort()}`]) });
    assert.equal(r.code, 'NO_ACTIVE_RM', r.message);
  });

  it('nothing answers: the routing code (CONNECTION_REFUSED, EGRESS_DENIED)', async () => {
    const refused = await checkYarnRm({ name: 'rm', type: 'yarn-rm' }, { routing: routing(), ...yarn([`http://127.0.0.1:${await closedPort()}`]) });
    assert.equal(refused.code, 'CONNECTION_REFUSED', refused.message);
    const denied = await checkYarnRm({ name: 'rm', type: 'yarn-rm' }, { routing: routing({ allowedHosts: ['*.test.internal'] }), ...yarn([rm.url]) });
    assert.equal(denied.code, 'EGRESS_DENIED', denied.message);
  });

  it('an RM that accepts and never answers: RESPONSE_TIMEOUT within the bound', async () => {
    const silent = await startRecordingServer({ mode: 'silent' });
    try {
      const r = await checkYarnRm({ name: 'rm', type: 'yarn-rm' }, { routing: routing(), ...yarn([silent.url]) });
      assert.equal(r.code, 'RESPONSE_TIMEOUT', r.message);
      assert.ok(r.latencyMs <= BASE.requestTimeoutMs + SLACK_MS, `took ${r.latencyMs} ms`);
    } finally {
      await silent.close();
    }
  });
});

describe('tcp and https', () => {
  it('tcp: OK to a listener, CONNECTION_REFUSED to a closed port', async () => {
    const r = routing();
    assert.equal((await checkTcp({ name: 'kms', type: 'tcp', host: '127.0.0.1', port: web.port, critical: false }, { routing: r })).code, 'OK');
    const port = await closedPort();
    assert.equal((await checkTcp({ name: 'kms', type: 'tcp', host: '127.0.0.1', port, critical: false }, { routing: r })).code, 'CONNECTION_REFUSED');
  });

  it('https: TLS_ERROR without the CA, OK with caFile', async () => {
    const check = { name: 'web', type: 'https' as const, url: `https://localhost:${tls.port}/`, critical: false };
    assert.equal((await checkHttps(check, { routing: routing() })).code, 'TLS_ERROR');
    assert.equal((await checkHttps(check, { routing: routing({ caFile: certFile }) })).code, 'OK');
  });

  it('https: an unexpected status is HTTP_ERROR', async () => {
    const r = routing({ caFile: certFile });
    const check = { name: 'web', type: 'https' as const, url: `https://localhost:${tls.port}/`, critical: false };
    assert.equal((await checkHttps({ ...check, expectStatus: 200 }, { routing: r })).code, 'OK');
    const wrong = await checkHttps({ ...check, expectStatus: 204 }, { routing: r });
    assert.deepEqual([wrong.code, wrong.message], ['HTTP_ERROR', `https://localhost:${tls.port}/ answered 200, expected 204`]);
  });

  it('a check never runs past its timeout, even when the routing would wait longer', async () => {
    const silent = await startRecordingServer({ mode: 'silent' });
    try {
      const r = routing({ requestTimeoutMs: 30_000 });
      const check = { name: 'slow', type: 'tcp' as const, host: '127.0.0.1', port: silent.port, critical: false };
      const started = performance.now();
      // A TCP connect succeeds at once; the https check of a silent listener would hang: use it.
      const res = await runChecks([check, { name: 'hang', type: 'https', url: `https://127.0.0.1:${silent.port}/`, critical: false }], { routing: r, timeoutMs: 300, yarn: yarn([]) });
      assert.deepEqual(res.map((x) => x.code), ['OK', 'CHECK_TIMEOUT']);
      assert.ok(performance.now() - started <= 300 + SLACK_MS);
    } finally {
      await silent.close();
    }
  });
});

describe('a preflight round', () => {
  /** The five checks of a region whose endpoints are named by `host(service)`. */
  const checksFor = (host: (service: string) => string) => preflightConfig.parse({
    checks: [
      { name: 'rm', type: 'yarn-rm' },
      { name: 'sts', type: 'sts', endpoint: `http://${host('sts')}:${new URL(moto.url).port}`, expectAccount: MOTO_ACCOUNT, critical: true },
      { name: 'kms', type: 'tcp', host: host('kms'), port: web.port },
      { name: 'web', type: 'https', url: `https://${host('web')}:${tls.port}/health`, expectStatus: 200 },
      { name: 'db', type: 'tcp', host: host('db'), port: Number(new URL(rm.url).port) },
    ],
  }).checks;
  const depsFor = (host: (service: string) => string) => ({
    yarn: yarn([`http://${host('rm')}:${new URL(rm.url).port}`]), credentials: MOTO_CREDENTIALS,
  });

  async function round(r: Routing, host: (service: string) => string): Promise<{ ms: number; results: CheckResult[] }> {
    const started = performance.now();
    const results = await runChecks(checksFor(host), { routing: r, ...depsFor(host) });
    const ms = Math.round(performance.now() - started);
    assert.deepEqual(results.map((x) => x.code), ['OK', 'OK', 'OK', 'OK', 'OK'], results.map(brief).join('\n'));
    return { ms, results };
  }

  it('five checks of one region, concurrently: all OK, and how long it takes', async () => {
    // Direct: every name is the region's own (hosts), allow-listed, from 127.0.0.2, private CA.
    const named = (service: string) => `${service}.test.internal`;
    const hosts = Object.fromEntries(['rm', 'sts', 'kms', 'web', 'db'].map((n) => [named(n), '127.0.0.1']));
    const direct = routing({ hosts, allowedHosts: ['*.test.internal'], localAddress: '127.0.0.2', caFile: certFile });
    const first = await round(direct, named);
    console.log(`preflight round, first:\n  ${first.results.map(brief).join('\n  ')}`);
    const warm = [(await round(direct, named)).ms, (await round(direct, named)).ms];

    // Through tinyproxy: the proxy resolves target names, so they are names it knows.
    const proxy = await startTinyproxy();
    let proxied: number[];
    try {
      const local = (service: string) => (service === 'web' ? 'localhost' : '127.0.0.1');
      const viaProxy = routing({ proxy: proxy.url, allowedHosts: ['127.0.0.1', 'localhost'], localAddress: '127.0.0.2', caFile: certFile });
      proxied = [(await round(viaProxy, local)).ms, (await round(viaProxy, local)).ms];
      // Every endpoint went through the proxy (HTTP ones once: their tunnels are kept alive).
      const through = new Set(proxy.connects());
      for (const port of [new URL(rm.url).port, new URL(moto.url).port, web.port, tls.port]) {
        assert.ok([...through].some((c) => c.endsWith(`:${port}`)), `${port} not in ${[...through].join(' ')}`);
      }
    } finally {
      await proxy.close();
    }
    console.log(`preflight round of 5 checks: first ${first.ms} ms (new routing: new connections), then ${warm.join(' ms, ')} ms; through tinyproxy ${proxied.join(' ms, ')} ms`);
  });
});
