// The /metrics listener: token or not, only /metrics, Prometheus' content type; and a scrape while
// Redis is down answers within the queue-read bound, leaving the unreadable queues out.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Queue } from 'bullmq';
import { freePort } from '../../src/dev/local-redis.ts';
import { createLogger } from '../../src/log.ts';
import { jobsAccepted } from '../../src/metrics/catalog.ts';
import { startMetricsServer, type MetricsServer } from '../../src/metrics/metrics-server.ts';
import { watchQueueDepth } from '../../src/metrics/queue-depth.ts';
import { connectRedis } from '../../src/redis/index.ts';
import { loadConfig } from '../../src/config/config.ts';
import { launchMetrics, Shutdown } from '../../src/runtime/index.ts';
import pino from 'pino';
import { Writable } from 'node:stream';

const servers: MetricsServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function server(token: string): Promise<MetricsServer> {
  const s = await startMetricsServer({ host: '127.0.0.1', port: 0, token });
  servers.push(s);
  return s;
}

test('with a token, only a scrape that sends it gets the metrics', async () => {
  const s = await server('metrics-token-0123');
  jobsAccepted.inc({ region: 'unit-r', kind: 'shell', rollout: 'on' });
  assert.equal((await fetch(s.url)).status, 401);
  assert.equal((await fetch(s.url, { headers: { authorization: 'Bearer metrics-token-0124' } })).status, 401);
  const res = await fetch(s.url, { headers: { authorization: 'Bearer metrics-token-0123' } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type')!, /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  assert.match(text, /^sluice_jobs_accepted_total\{region="unit-r",kind="shell",rollout="on"\} 1$/m);
  assert.match(text, /^process_cpu_seconds_total /m, 'process metrics');
});

test('without a token the listener answers anyone who reaches its address; other paths are 404', async () => {
  const s = await server('');
  assert.equal((await fetch(s.url)).status, 200);
  assert.equal((await fetch(s.url.replace('/metrics', '/'))).status, 404);
  assert.equal((await fetch(s.url, { method: 'POST' })).status, 404);
});

test('a port in use is a clear start-up error naming the listener', async () => {
  const s = await server('');
  const port = Number(new URL(s.url).port);
  await assert.rejects(startMetricsServer({ host: '127.0.0.1', port, token: '' }), /metrics listener on 127\.0\.0\.1:\d+: .*EADDRINUSE/);
});

test('a scrape while Redis is down answers without the queues it could not read, within the read bound', async () => {
  const deadPort = await freePort();
  const connection = connectRedis(`redis://127.0.0.1:${deadPort}`, { name: 'dead', role: 'request', log: createLogger('silent') });
  const bull = new Queue('submit-unit-dead', { connection });
  bull.on('error', () => {});
  const unwatch = watchQueueDepth([{ region: 'unit-dead', kind: 'submit', queue: bull }]);
  try {
    const s = await server('');
    const started = Date.now();
    const res = await fetch(s.url);
    const text = await res.text();
    assert.equal(res.status, 200);
    // Bounded: the queue read gives up after 2 s (never the scrape's whole timeout, never a hang).
    assert.ok(Date.now() - started < 5000, `scrape took ${Date.now() - started} ms`);
    assert.doesNotMatch(text, /region="unit-dead"/);
  } finally {
    unwatch();
    await bull.close().catch(() => {});
    connection.disconnect();
  }
});

test('a process whose metrics port is taken logs why and runs on without /metrics', async () => {
  const taken = await server('');
  const config = loadConfig({ env: { NODE_ENV: 'test', SLUICE_METRICS_PORT: new URL(taken.url).port } });
  const lines: string[] = [];
  const log = pino({ level: 'info' }, new Writable({ write(chunk, _enc, done) { lines.push(chunk.toString()); done(); } }));
  const shutdown = new Shutdown();
  assert.equal(await launchMetrics(config, shutdown, log), null);
  const error = lines.map((l) => JSON.parse(l)).find((l) => l.level === 50);
  assert.match(error?.msg ?? '', /no \/metrics for this process: metrics listener on 127\.0\.0\.1:\d+: .*EADDRINUSE.*SLUICE_METRICS_PORT/);
  // With a free port it starts and says where.
  const free = loadConfig({ env: { NODE_ENV: 'test' } });
  const url = await launchMetrics(free, shutdown, log);
  assert.match(url ?? '', /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
  assert.equal((await fetch(url!)).status, 200);
  await shutdown.stop('test over');
  await assert.rejects(fetch(url!), 'stopped with the process');
});
