// A region's routing against real loopback servers, without a proxy: source address, egress
// allow-list, host overrides, CA, and every failure's code — each proven by what the server saw.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { caBundle } from '../../src/routing/connector.ts';
import { buildRouting, RoutingError, toRoutingError, type NetworkConfig, type Routing } from '../../src/routing/index.ts';
import { closedPort, selfSignedCert, startRecordingServer, type RecordingServer } from '../support/recording-server.ts';
import { waitFor } from '../support/wait-for.ts';

const BASE: NetworkConfig = { connectTimeoutMs: 1000, requestTimeoutMs: 800 };
/** undici checks timeouts above 1 s on a coarse (~0.5 s) clock; allow for it and a busy machine. */
const SLACK_MS = 1000;

let scratch: string;
let web: RecordingServer;
const routings: Routing[] = [];
function routing(network: Partial<NetworkConfig> = {}): Routing {
  const r = buildRouting({ ...BASE, ...network });
  routings.push(r);
  return r;
}

/** The code the routing gives a GET, or 'OK' with the body. */
async function get(r: Routing, url: string): Promise<{ code: string; body?: any; ms: number }> {
  const started = performance.now();
  try {
    const res = await request(url, { dispatcher: r.dispatcher });
    const body = await res.body.json();
    return { code: 'OK', body, ms: performance.now() - started };
  } catch (err) {
    return { code: toRoutingError(err)?.code ?? `unclassified: ${String(err)}`, ms: performance.now() - started };
  }
}

async function tcp(r: Routing, host: string, port: number): Promise<{ code: string; local?: string }> {
  try {
    const socket = await r.connectTcp(host, port);
    const local = socket.localAddress;
    socket.destroy();
    return { code: 'OK', ...(local ? { local } : {}) };
  } catch (err) {
    assert.ok(err instanceof RoutingError, `connectTcp threw ${String(err)}`);
    return { code: err.code };
  }
}

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'sluice-routing-'));
  web = await startRecordingServer();
});
after(async () => {
  for (const r of routings) await r.close();
  await web.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('routing: source address', () => {
  it('HTTP leaves from localAddress 127.0.0.2', async () => {
    const r = await get(routing({ localAddress: '127.0.0.2' }), `${web.url}/src`);
    assert.equal(r.code, 'OK');
    assert.equal(r.body.peer, '127.0.0.2');
    assert.equal(web.requests.at(-1)!.remoteAddress, '127.0.0.2');
  });

  it('TCP leaves from localAddress 127.0.0.2', async () => {
    const before = web.connections.length;
    assert.deepEqual(await tcp(routing({ localAddress: '127.0.0.2' }), '127.0.0.1', web.port), { code: 'OK', local: '127.0.0.2' });
    await waitFor(() => web.connections.length > before, { what: 'the TCP check\'s connection at the server', timeoutMs: 1000, intervalMs: 10 });
    assert.equal(web.connections.at(-1)!.remoteAddress, '127.0.0.2');
  });

  it('without localAddress the kernel picks 127.0.0.1', async () => {
    assert.equal((await get(routing(), `${web.url}/default`)).body.peer, '127.0.0.1');
  });
});

describe('routing: egress allow-list', () => {
  it('refuses a host outside allowedHosts before any connection: EGRESS_DENIED, zero connections seen', async () => {
    const denied = await startRecordingServer();
    try {
      const r = routing({ allowedHosts: ['*.test.internal'], hosts: { 'other.example': '127.0.0.1' } });
      assert.equal((await get(r, `${denied.url}/x`)).code, 'EGRESS_DENIED');
      assert.equal((await get(r, `http://other.example:${denied.port}/x`)).code, 'EGRESS_DENIED');
      assert.equal((await tcp(r, '127.0.0.1', denied.port)).code, 'EGRESS_DENIED');
      // A sentinel connection from the test: the server accepts connections in the order they were
      // made, so once the sentinel has landed, any stray connection of the refused calls has too.
      const sentinel = connect(denied.port, '127.0.0.1');
      try {
        const sentinelPort = await new Promise<number>((resolve, reject) => {
          sentinel.once('connect', () => resolve(sentinel.localPort!)).once('error', reject);
        });
        await waitFor(() => denied.connections.some((c) => c.remotePort === sentinelPort), { what: 'the sentinel connection at the server', timeoutMs: 2000, intervalMs: 10 });
        assert.deepEqual(denied.connections.map((c) => c.remotePort), [sentinelPort], 'a refused call reached the server');
      } finally {
        sentinel.destroy();
      }
    } finally {
      await denied.close();
    }
  });

  it('lets an allowed name through (pattern + hosts override)', async () => {
    const r = routing({ allowedHosts: ['*.test.internal'], hosts: { 'rm.test.internal': '127.0.0.1' } });
    const res = await get(r, `http://rm.test.internal:${web.port}/allowed`);
    assert.equal(res.code, 'OK');
    assert.equal(web.requests.at(-1)!.host, `rm.test.internal:${web.port}`);
    assert.equal((await tcp(r, 'rm.test.internal', web.port)).code, 'OK');
  });
});

describe('routing: names', () => {
  it('hosts makes up a name: rm.test.internal resolves to 127.0.0.1 without DNS', async () => {
    const r = routing({ hosts: { 'rm.test.internal': '127.0.0.1' } });
    assert.equal((await get(r, `http://rm.test.internal:${web.port}/hosts`)).code, 'OK');
    assert.equal(web.requests.at(-1)!.url, '/hosts');
  });

  it('an unresolvable name is DNS_FAILURE', async () => {
    const r = routing();
    assert.equal((await get(r, 'http://no-such-host.invalid/')).code, 'DNS_FAILURE');
    assert.equal((await tcp(r, 'no-such-host.invalid', 80)).code, 'DNS_FAILURE');
  });
});

describe('routing: failures', () => {
  it('a closed port is CONNECTION_REFUSED', async () => {
    const port = await closedPort();
    assert.equal((await get(routing(), `http://127.0.0.1:${port}/`)).code, 'CONNECTION_REFUSED');
    assert.equal((await tcp(routing(), '127.0.0.1', port)).code, 'CONNECTION_REFUSED');
  });

  it('a listener that accepts and never answers is RESPONSE_TIMEOUT within requestTimeoutMs', async () => {
    const silent = await startRecordingServer({ mode: 'silent' });
    try {
      const res = await get(routing(), `${silent.url}/hang`);
      assert.equal(res.code, 'RESPONSE_TIMEOUT');
      assert.equal(silent.connections.length, 1);
      assert.ok(res.ms <= BASE.requestTimeoutMs + SLACK_MS, `took ${Math.round(res.ms)} ms`);
    } finally {
      await silent.close();
    }
  });

  it('a listener whose accept queue is full is CONNECT_TIMEOUT within connectTimeoutMs', async () => {
    const full = await startFullBacklog();
    try {
      const r = routing({ connectTimeoutMs: 500 });
      const started = performance.now();
      assert.equal((await get(r, `http://127.0.0.1:${full.port}/`)).code, 'CONNECT_TIMEOUT');
      assert.equal((await tcp(r, '127.0.0.1', full.port)).code, 'CONNECT_TIMEOUT');
      const ms = performance.now() - started;
      assert.ok(ms <= 2 * (500 + SLACK_MS), `took ${Math.round(ms)} ms`);
    } finally {
      full.close();
    }
  });
});

describe('routing: TLS', () => {
  let tls: RecordingServer;
  let certFile: string;
  before(async () => {
    const cert = selfSignedCert(scratch);
    certFile = cert.certFile;
    tls = await startRecordingServer({ mode: 'https', tls: cert });
  });
  after(() => tls.close());

  it('a self-signed server without caFile is TLS_ERROR', async () => {
    assert.equal((await get(routing(), `https://localhost:${tls.port}/`)).code, 'TLS_ERROR');
  });

  it('with caFile it is trusted, and verified against the requested name (hosts keeps it)', async () => {
    const r = routing({ caFile: certFile, hosts: { 'rm.test.internal': '127.0.0.1' }, localAddress: '127.0.0.2' });
    const res = await get(r, `https://rm.test.internal:${tls.port}/ca`);
    assert.equal(res.code, 'OK');
    assert.equal(res.body.peer, '127.0.0.2');
  });

  it('with caFile, a name the certificate does not carry is still TLS_ERROR', async () => {
    const r = routing({ caFile: certFile, hosts: { 'wrong.test.internal': '127.0.0.1' } });
    assert.equal((await get(r, `https://wrong.test.internal:${tls.port}/`)).code, 'TLS_ERROR');
  });

  it('caFile adds to the default CAs rather than replacing them', () => {
    // Node's bundled roots are still there: the routing can reach a public endpoint's CA too.
    const bundle = caBundle(certFile);
    assert.ok(bundle.length > 100, `only ${bundle.length} CAs`);
  });
});

describe('routing: close', () => {
  it('is idempotent and ends the pooled connections', async () => {
    const r = buildRouting(BASE);
    assert.equal((await get(r, `${web.url}/close`)).code, 'OK');
    await Promise.all([r.close(), r.close()]);
    await r.close();
    await assert.rejects(request(`${web.url}/after`, { dispatcher: r.dispatcher }), { code: 'UND_ERR_DESTROYED' });
  });
});

/**
 * A loopback port whose listener never accepts and whose backlog is full, so a further SYN gets no
 * answer: the only honest connect timeout on loopback. Node always accepts, hence python3.
 */
async function startFullBacklog(): Promise<{ port: number; close(): void }> {
  const child: ChildProcess = spawn('python3', ['-c', [
    'import socket, sys, time',
    's = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(0)',
    'c = socket.create_connection(s.getsockname())', // fills the one backlog slot
    'print(s.getsockname()[1], flush=True)',
    'sys.stdin.read()', // until the test closes stdin
  ].join('\n')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('exit', (code) => reject(new Error(`python3 exited with ${code}`)));
  });
  return { port, close: () => { child.stdin!.end(); } };
}
