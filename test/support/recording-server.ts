// A loopback server that records every TCP connection it accepts (peer address included) and
// answers in one of three ways: HTTP 200 with the peer in the body, HTTPS likewise, or never
// (accepts and stays silent: the shape of a hung endpoint). Tests assert on what it saw.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';

export interface Seen { remoteAddress: string; remotePort: number }
export interface SeenRequest extends Seen { method: string; url: string; host: string }

export interface RecordingServer {
  host: string;
  port: number;
  /** http(s)://host:port */
  url: string;
  /** Every accepted TCP connection, in order. */
  connections: Seen[];
  /** Every HTTP request (not in 'silent' mode). */
  requests: SeenRequest[];
  close(): Promise<void>;
}

export interface RecordingServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 'http' (default), 'https' (needs tls) or 'silent'. */
  mode?: 'http' | 'https' | 'silent';
  tls?: { key: string; cert: string };
  /** Answers a request instead of the default 200 {"peer": ...}. */
  respond?: (req: IncomingMessage, res: ServerResponse) => void;
}

export async function startRecordingServer(opts: RecordingServerOptions = {}): Promise<RecordingServer> {
  const host = opts.host ?? '127.0.0.1';
  const mode = opts.mode ?? 'http';
  const connections: Seen[] = [];
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const seen = { remoteAddress: req.socket.remoteAddress ?? '', remotePort: req.socket.remotePort ?? 0 };
    requests.push({ ...seen, method: req.method ?? '', url: req.url ?? '', host: req.headers.host ?? '' });
    req.resume();
    if (opts.respond) return opts.respond(req, res);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ peer: seen.remoteAddress }));
  };
  let server: Server;
  if (mode === 'silent') server = createNetServer(() => {});
  else if (mode === 'https') {
    if (!opts.tls) throw new Error('https mode needs tls: { key, cert }');
    server = createHttpsServer({ ...opts.tls }, onRequest);
  } else server = createHttpServer(onRequest);

  server.on('connection', (socket: Socket) => {
    connections.push({ remoteAddress: socket.remoteAddress ?? '', remotePort: socket.remotePort ?? 0 });
    sockets.add(socket);
    socket.on('error', () => {}); // a client giving up (timeouts, TLS failures) is expected here
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const scheme = mode === 'https' ? 'https' : 'http';
  return {
    host, port, url: `${scheme}://${host}:${port}`, connections, requests,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/** A loopback port nobody listens on (bound, then released): connecting to it is refused. */
export async function closedPort(host = '127.0.0.1'): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A self-signed certificate made with openssl in `dir`, valid for localhost, rm.test.internal,
 * 127.0.0.1 and any extra names; cert.pem doubles as the CA file that trusts it.
 */
export function selfSignedCert(dir: string, names: string[] = []): { key: string; cert: string; certFile: string } {
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  const san = ['DNS:localhost', 'DNS:rm.test.internal', 'IP:127.0.0.1', ...names.map((n) => `DNS:${n}`)].join(',');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1',
    '-subj', '/CN=localhost', '-addext', `subjectAltName=${san}`,
  ], { stdio: 'ignore' });
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}
