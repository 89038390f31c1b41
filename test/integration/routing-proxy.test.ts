// A region's routing through a real forward proxy (tinyproxy, our own instance and log). The log
// proves what went through it and from which source address; the target server proves the rest.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { buildRouting, RoutingError, toRoutingError, type NetworkConfig, type Routing } from '../../src/routing/index.ts';
import { closedPort, selfSignedCert, startRecordingServer, type RecordingServer } from '../support/recording-server.ts';
import { startTinyproxy, type Tinyproxy } from '../support/tinyproxy.ts';

const BASE: NetworkConfig = { connectTimeoutMs: 1000, requestTimeoutMs: 1000 };
const SLACK_MS = 1000;

let scratch: string;
let proxy: Tinyproxy;
let web: RecordingServer;
const routings: Routing[] = [];
function routing(network: Partial<NetworkConfig> = {}): Routing {
  const r = buildRouting({ ...BASE, proxy: proxy.url, ...network });
  routings.push(r);
  return r;
}

async function get(r: Routing, url: string): Promise<{ code: string; status?: number; body?: any; err?: unknown }> {
  try {
    const res = await request(url, { dispatcher: r.dispatcher });
    return { code: 'OK', status: res.statusCode, body: await res.body.json() };
  } catch (err) {
    return { code: toRoutingError(err)?.code ?? `unclassified: ${String(err)}`, err };
  }
}

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'sluice-proxy-'));
  proxy = await startTinyproxy();
  web = await startRecordingServer();
});
after(async () => {
  for (const r of routings) await r.close();
  await web.close();
  await proxy.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('routing through tinyproxy', () => {
  it('tunnels HTTP with CONNECT: the proxy logs it, the target sees the proxy', async () => {
    const res = await get(routing(), `${web.url}/via-proxy`);
    assert.equal(res.code, 'OK');
    assert.ok(proxy.connects().includes(`127.0.0.1:${web.port}`), proxy.log());
    assert.equal(web.requests.at(-1)!.url, '/via-proxy'); // inside the tunnel: the proxy never saw the path
    assert.ok(!proxy.log().includes('/via-proxy'));
  });

  it('a routing without the proxy does not appear in the proxy log', async () => {
    const direct = await startRecordingServer();
    try {
      const r = buildRouting(BASE);
      routings.push(r);
      assert.equal((await get(r, `${direct.url}/direct`)).code, 'OK');
      assert.equal(direct.requests.length, 1);
      assert.ok(!proxy.connects().includes(`127.0.0.1:${direct.port}`), proxy.log());
    } finally {
      await direct.close();
    }
  });

  it('localAddress applies to the connection to the proxy (undici ProxyAgent alone drops it)', async () => {
    const before = proxy.clients().length;
    assert.equal((await get(routing({ localAddress: '127.0.0.2' }), `${web.url}/src`)).code, 'OK');
    assert.deepEqual(proxy.clients().slice(before), ['127.0.0.2']);
  });

  it('hosts resolves the proxy\'s own name', async () => {
    const r = routing({ proxy: `http://proxy.test.internal:${proxy.port}`, hosts: { 'proxy.test.internal': '127.0.0.1' } });
    assert.equal((await get(r, `${web.url}/proxy-by-name`)).code, 'OK');
    assert.equal(web.requests.at(-1)!.url, '/proxy-by-name');
  });

  it('the allow-list still applies to the target: EGRESS_DENIED and nothing reaches the proxy', async () => {
    const before = proxy.clients().length;
    const r = routing({ allowedHosts: ['*.test.internal'] });
    assert.equal((await get(r, `${web.url}/denied`)).code, 'EGRESS_DENIED');
    await assert.rejects(r.connectTcp('127.0.0.1', web.port), (e: unknown) => e instanceof RoutingError && e.code === 'EGRESS_DENIED');
    assert.equal(proxy.clients().length, before);
  });

  it('TLS to the target runs inside the tunnel and uses caFile', async () => {
    const cert = selfSignedCert(scratch);
    const tls = await startRecordingServer({ mode: 'https', tls: cert });
    try {
      assert.equal((await get(routing(), `https://localhost:${tls.port}/`)).code, 'TLS_ERROR');
      const ok = await get(routing({ caFile: cert.certFile }), `https://localhost:${tls.port}/tls`);
      assert.equal(ok.code, 'OK');
      assert.ok(proxy.connects().includes(`localhost:${tls.port}`)); // the proxy resolved the name
    } finally {
      await tls.close();
    }
  });

  it('connectTcp tunnels too, from localAddress', async () => {
    const before = proxy.clients().length;
    const socket = await routing({ localAddress: '127.0.0.2' }).connectTcp('127.0.0.1', web.port);
    socket.destroy();
    assert.deepEqual(proxy.clients().slice(before), ['127.0.0.2']);
    assert.ok(proxy.connects().filter((c) => c === `127.0.0.1:${web.port}`).length >= 2);
  });

  it('a target the proxy cannot reach is PROXY_ERROR (the proxy answers CONNECT with 500)', async () => {
    const port = await closedPort();
    const res = await get(routing(), `http://127.0.0.1:${port}/`);
    assert.equal(res.code, 'PROXY_ERROR');
    assert.match((res.err as Error).message, /answered 500 to CONNECT 127\.0\.0\.1:\d+/);
    await assert.rejects(routing().connectTcp('127.0.0.1', port), { code: 'PROXY_ERROR' });
  });

  it('a dead proxy is PROXY_ERROR, not a dead target', async () => {
    const r = routing({ proxy: `http://127.0.0.1:${await closedPort()}` });
    assert.equal((await get(r, `${web.url}/`)).code, 'PROXY_ERROR');
    await assert.rejects(r.connectTcp('127.0.0.1', web.port), { code: 'PROXY_ERROR' });
  });

  it('a proxy that never answers CONNECT is PROXY_ERROR within connectTimeoutMs', async () => {
    const silent = await startRecordingServer({ mode: 'silent' });
    try {
      const started = performance.now();
      assert.equal((await get(routing({ proxy: silent.url }), `${web.url}/`)).code, 'PROXY_ERROR');
      const ms = performance.now() - started;
      assert.ok(ms <= BASE.connectTimeoutMs + SLACK_MS, `took ${Math.round(ms)} ms`);
    } finally {
      await silent.close();
    }
  });

  it('a target that accepts and never answers is RESPONSE_TIMEOUT through the tunnel too', async () => {
    const silent = await startRecordingServer({ mode: 'silent' });
    try {
      const started = performance.now();
      assert.equal((await get(routing(), `${silent.url}/hang`)).code, 'RESPONSE_TIMEOUT');
      assert.ok(performance.now() - started <= BASE.requestTimeoutMs + SLACK_MS);
    } finally {
      await silent.close();
    }
  });
});

describe('hosts with a proxy', () => {
  it('applies to the proxy only: a target name only hosts knows goes to the proxy as is, which cannot resolve it', async () => {
    const r = routing({ hosts: { 'rm.test.internal': '127.0.0.1' } });
    const res = await get(r, `http://rm.test.internal:${web.port}/`);
    assert.equal(res.code, 'PROXY_ERROR');
    assert.ok(proxy.connects().includes(`rm.test.internal:${web.port}`));
  });
});
