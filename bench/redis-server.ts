// The bench's own redis-server: AOF on with fsync every second (what a Sluice deployment runs),
// noeviction, no RDB snapshots, a temp dir, a free port.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../src/dev/local-redis.ts';
import { superviseChild, type SupervisedChild } from '../src/process/index.ts';
import { until } from './stats.ts';

export interface BenchRedis {
  url: string;
  child: SupervisedChild;
}

export async function startRedis(dir: string, signal: AbortSignal): Promise<BenchRedis> {
  const port = await freePort();
  const data = join(dir, 'redis');
  mkdirSync(data, { recursive: true });
  const child = superviseChild('redis-server', [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', data,
    '--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction', '--save', '',
  ], { name: 'redis-server', pdeathsig: true });
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    await until(async () => {
      if (!child.running) throw new Error('bench: redis-server exited at start (is it installed?)');
      try {
        if (probe.status !== 'ready') await probe.connect().catch(() => probe.disconnect());
        return (await probe.ping()) === 'PONG';
      } catch {
        return false;
      }
    }, 'redis-server answering PING', 10_000, signal);
  } finally {
    probe.disconnect();
  }
  return { url, child };
}
