// A region's health, as its worker sees it and the API shows it: the last result of every
// preflight check, whether the worker takes work (intake), and whether tracking reaches the RM.
// Two writers (the preflight monitor, the tracker) update their own parts; one Lua script derives
// the overall status and publishes region.health_changed when it changes.

import type { Redis } from 'ioredis';
import type { Keys } from './keys.ts';

export type RegionStatus = 'unknown' | 'ok' | 'degraded';

export interface RegionHealth {
  status: RegionStatus;
  /** open: the worker takes jobs; paused: a critical check fails; unknown: no worker reported. */
  intake: 'open' | 'paused' | 'unknown';
  checks: unknown[];
  tracking: { ok: boolean; message: string | null; at: string } | null;
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

export async function getRegionHealth(redis: Redis, keys: Keys, region: string): Promise<RegionHealth> {
  const h = await redis.hgetall(keys.regionHealth(region));
  return {
    status: (h.status as RegionStatus) ?? 'unknown',
    intake: (h.intake as RegionHealth['intake']) ?? 'unknown',
    checks: h.checks ? (JSON.parse(h.checks) as unknown[]) : [],
    tracking: h.tracking ? JSON.parse(h.tracking) : null,
    at: h.at ?? null,
  };
}
