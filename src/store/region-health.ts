// A region's health, as its worker sees it and the API shows it: the last result of every
// preflight check, whether the worker takes work (intake), whether tracking reaches the RM, and
// the RM's leaf queues. Two writers (the preflight monitor, the tracker) update their own parts;
// one Lua script derives the overall status and publishes region.health_changed when it changes.
// The queues are no part of the status: they are written on their own, with a plain HSET.

import type { Redis } from 'ioredis';
import type { Keys } from './keys.ts';

export type RegionStatus = 'unknown' | 'ok' | 'degraded';

export interface RegionHealth {
  status: RegionStatus;
  /** open: the worker takes jobs; paused: a critical check fails; unknown: no worker reported. */
  intake: 'open' | 'paused' | 'unknown';
  checks: unknown[];
  tracking: { ok: boolean; message: string | null; at: string } | null;
  /**
   * The queue names a submission may use on the region's RM (a CapacityScheduler's RUNNING leaves,
   * by full path and by short name when unambiguous), and when a worker last read them. null: no
   * worker has said, or the RM can't say (another scheduler, queue auto-creation, an answer not
   * understood). `at` is renewed about every 5 minutes while the list stays the same.
   */
  queues: { names: string[]; at: string } | null;
  at: string | null;
}

export interface HealthPart {
  /** The preflight monitor's part. */
  checks?: { results: unknown[]; allOk: boolean; criticalOk: boolean };
  /** The tracker's part. */
  tracking?: { ok: boolean; message: string | null };
}

// degraded: a check or tracking fails (intake says whether jobs are still taken). ok: none fails.
const UPDATE = `
local key = KEYS[1]
for i = 4, #ARGV, 2 do redis.call('HSET', key, ARGV[i], ARGV[i + 1]) end
local h = redis.call('HMGET', key, 'intake', 'checksOk', 'trackingOk', 'status')
local status = 'unknown'
if h[1] == 'paused' or h[2] == '0' or h[3] == '0' then status = 'degraded'
elseif h[2] == '1' then status = 'ok' end
if status == h[4] then return 0 end
redis.call('HSET', key, 'status', status, 'at', ARGV[2])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[1], '*', 'type', 'region.health_changed', 'region', ARGV[3],
  'from', h[4] or 'unknown', 'to', status, 'at', ARGV[2])
return 1
`;

export async function updateRegionHealth(redis: Redis, keys: Keys, region: string, part: HealthPart, eventsMaxLength: number): Promise<void> {
  const fields: string[] = [];
  if (part.checks) {
    fields.push('checks', JSON.stringify(part.checks.results), 'checksOk', part.checks.allOk ? '1' : '0', 'intake', part.checks.criticalOk ? 'open' : 'paused');
  }
  if (part.tracking) {
    fields.push('tracking', JSON.stringify({ ...part.tracking, at: new Date().toISOString() }), 'trackingOk', part.tracking.ok ? '1' : '0');
  }
  await redis.eval(UPDATE, 2, keys.regionHealth(region), keys.events, String(eventsMaxLength), new Date().toISOString(), region, ...fields);
}

/** The preflight monitor's queue part: names, or null when the RM can't say. */
export async function setRegionQueues(redis: Redis, keys: Keys, region: string, names: string[] | null, at = new Date()): Promise<void> {
  await redis.hset(keys.regionHealth(region), 'queues', JSON.stringify(names === null ? null : { names, at: at.toISOString() }));
}

export async function getRegionHealth(redis: Redis, keys: Keys, region: string): Promise<RegionHealth> {
  const h = await redis.hgetall(keys.regionHealth(region));
  return {
    status: (h.status as RegionStatus) ?? 'unknown',
    intake: (h.intake as RegionHealth['intake']) ?? 'unknown',
    checks: h.checks ? (JSON.parse(h.checks) as unknown[]) : [],
    tracking: h.tracking ? JSON.parse(h.tracking) : null,
    queues: h.queues ? parseQueues(h.queues) : null,
    at: h.at ?? null,
  };
}

/** A field written by another version may not have this shape: then nobody has said, as far as we know. */
function parseQueues(text: string): RegionHealth['queues'] {
  const v = JSON.parse(text) as { names?: unknown; at?: unknown } | null;
  if (!v || !Array.isArray(v.names) || !v.names.every((n) => typeof n === 'string') || typeof v.at !== 'string') return null;
  return { names: v.names as string[], at: v.at };
}
