// The /metrics listener: a plain HTTP server of its own, apart from the public API, bound to
// metrics.host (a private address: 127.0.0.1 by default) and, when metrics.token is set, answering
// only a scrape that sends it as a bearer token. The API and every region worker run one, so one
// Prometheus scrape config with all their addresses sees every region.

import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, register } from 'prom-client';

export interface MetricsServerOptions {
  host: string;
  /** 0: any free port (the URL says which). */
  port: number;
  /** Empty: no token asked (the bind address is the guard). */
  token: string;
}

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

let processMetrics = false;

export async function startMetricsServer(opts: MetricsServerOptions): Promise<MetricsServer> {
  // Process metrics (CPU, memory, event loop lag, GC) under Prometheus' usual names, once a process.
  if (!processMetrics) {
    collectDefaultMetrics();
    processMetrics = true;
  }
  const expected = opts.token ? digest(`Bearer ${opts.token}`) : null;
  const server = createServer((req, res) => void answer(req, res, expected));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new Error(`metrics listener on ${opts.host}:${opts.port}: ${err.message}`, { cause: err })));
    server.listen(opts.port, opts.host, resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}/metrics`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      // A scrape in flight is cut: Prometheus retries at its next interval.
      server.closeAllConnections();
    }),
  };
}

async function answer(req: IncomingMessage, res: ServerResponse, expected: Buffer | null): Promise<void> {
  const path = (req.url ?? '').split('?')[0];
  if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) return send(res, 404, 'text/plain', 'not found: scrape GET /metrics\n');
  if (expected && !timingSafeEqual(digest(req.headers.authorization ?? ''), expected)) {
    res.setHeader('www-authenticate', 'Bearer realm="metrics"');
    return send(res, 401, 'text/plain', 'send Authorization: Bearer <metrics token>\n');
  }
  try {
    send(res, 200, register.contentType, await register.metrics());
  } catch (err) {
    send(res, 500, 'text/plain', `metrics collection failed: ${(err as Error).message}\n`);
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

const digest = (s: string) => createHash('sha256').update(s).digest();
