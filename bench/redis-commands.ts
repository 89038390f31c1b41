// Redis commands by name (INFO commandstats), and the difference between two readings. Commands a
// script runs are counted by Redis too, each under its own name, beside the EVALSHA that ran it.

import type { Redis } from 'ioredis';

export type CommandCounts = Record<string, number>;

export async function commandStats(redis: Redis): Promise<CommandCounts> {
  const text = await redis.info('commandstats');
  const out: CommandCounts = {};
  for (const line of text.split('\n')) {
    const m = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
    if (m) out[m[1] as string] = Number(m[2]);
  }
  return out;
}

/** after − before, less `idle` (what the same processes issue with no work, scaled to the phase). */
export function commandDelta(before: CommandCounts, after: CommandCounts, idle: CommandCounts = {}): CommandCounts {
  const out: CommandCounts = {};
  for (const [name, calls] of Object.entries(after)) {
    const d = calls - (before[name] ?? 0) - (idle[name] ?? 0);
    if (d > 0) out[name] = d;
  }
  return out;
}

export function perJob(delta: CommandCounts, jobs: number): { total: number; byName: CommandCounts } {
  const byName: CommandCounts = {};
  let total = 0;
  for (const [name, n] of Object.entries(delta).sort((a, b) => b[1] - a[1])) {
    byName[name] = Math.round((n / jobs) * 100) / 100;
    total += n;
  }
  return { total: Math.round((total / jobs) * 100) / 100, byName };
}
