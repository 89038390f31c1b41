// Starts a throwaway redis-server on a free port, configured as Sluice requires (appendonly yes,
// noeviction), for the local stack and the test suite. Stops it and removes its data on close.
// Supervised: its own process group (a Ctrl-C reaches dev, which stops Redis last), SIGKILL after
// the deadline, and `setpriv --pdeathsig` so it does not outlive a SIGKILLed parent.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { superviseChild } from '../process/index.ts';

export interface LocalRedis {
  url: string;
  pid: number;
  /** SIGTERM (Redis writes its AOF and exits), SIGKILL after deadlineMs; removes its data. */
  close(deadlineMs?: number): Promise<void>;
  /** SIGKILL, now. */
  kill(): void;
}

export function redisServerMissing(): string | null {
  const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (found.error) return 'redis-server is not installed: run `apt-get install -y redis-server` (Debian) and try again';
  return null;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startLocalRedis(opts: { signal?: AbortSignal } = {}): Promise<LocalRedis> {
  const missing = redisServerMissing();
  if (missing) throw new Error(missing);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sluice-redis-'));
  const proc = superviseChild('redis-server', [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir,
    '--appendonly', 'yes', '--maxmemory-policy', 'noeviction', '--save', '',
  ], { name: 'redis-server', pdeathsig: true });
  const close = async (deadlineMs = 5000) => {
    try {
      await proc.stop(deadlineMs);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    await waitForPong(port, () => proc.running, opts.signal);
  } catch (err) {
    await close(1000).catch(() => {});
    throw err;
  }
  return { url: `redis://127.0.0.1:${port}`, pid: proc.pid, close, kill: () => proc.kill() };
}

/** PING over a plain socket until +PONG: no client library, no reconnect loop to silence. */
async function waitForPong(port: number, running: () => boolean, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    signal?.throwIfAborted();
    if (!running()) throw new Error('redis-server exited during start-up');
    if (await pong(port)) return;
    await sleep(50);
  }
  throw new Error('redis-server did not answer within 10 s');
}

function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}
