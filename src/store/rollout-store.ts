// A region's rollout setting in Redis: the live one (a hash) and the append-only history of every
// change (a stream), both under the region's hash tag and changed by one script, so a change and
// its history entry are never apart. Read on every submission: a change is in force for every API
// process as soon as the script returns, with no cache to expire.

import type { Redis } from 'ioredis';
import { rolloutConfig, type RolloutConfig, type RolloutHistoryEntry, type RolloutView } from '../rollout/index.ts';
import type { Keys } from './keys.ts';

/**
 * KEYS: rollout(region), rolloutHistory(region)
 * ARGV: fileConfigJson, newConfigJson, at, by, reason
 * → {changed 0|1, version, fromJson, historyId}
 */
const CHANGE_ROLLOUT = `
local cur = redis.call('HMGET', KEYS[1], 'config', 'version')
local from = cur[1] or ARGV[1]
local version = tonumber(cur[2] or '0')
if from == ARGV[2] then return {0, version, from, ''} end
version = version + 1
redis.call('HSET', KEYS[1], 'config', ARGV[2], 'version', version, 'updatedAt', ARGV[3], 'updatedBy', ARGV[4], 'reason', ARGV[5])
local id = redis.call('XADD', KEYS[2], '*', 'version', version, 'at', ARGV[3], 'by', ARGV[4], 'from', from, 'to', ARGV[2], 'reason', ARGV[5])
return {1, version, from, id}
`;

export interface RolloutChangeInput {
  config: RolloutConfig;
  by: string;
  reason: string;
}

export class RolloutStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly eventsMaxLength: number,
  ) {}

  /** The setting in force: the last live change, else the region file's. */
  async current(region: string, fromFile: RolloutConfig): Promise<RolloutView> {
    const h = await this.redis.hgetall(this.keys.rollout(region));
    if (!h.config) return { ...canonical(fromFile), version: 0, source: 'file', updatedAt: null, updatedBy: null, reason: null };
    return {
      ...parseStored(h.config), version: Number(h.version), source: 'live',
      updatedAt: h.updatedAt ?? null, updatedBy: h.updatedBy ?? null, reason: h.reason ?? null,
    };
  }

  /**
   * Applies a change and records it, then publishes `region.rollout_changed`. Asking for the
   * setting already in force records nothing (a retried PUT makes no second entry).
   */
  async change(region: string, fromFile: RolloutConfig, input: RolloutChangeInput): Promise<{ rollout: RolloutView; change: RolloutHistoryEntry | null }> {
    const at = new Date().toISOString();
    const to = canonical(input.config);
    const [changed, version, fromJson, historyId] = (await this.redis.eval(
      CHANGE_ROLLOUT, 2, this.keys.rollout(region), this.keys.rolloutHistory(region),
      JSON.stringify(canonical(fromFile)), JSON.stringify(to), at, input.by, input.reason,
    )) as [number, number, string, string];
    const rollout = await this.current(region, fromFile);
    if (!changed) return { rollout, change: null };
    const from = parseStored(fromJson);
    // The global event stream has no region tag: a separate write (Cluster-safe). Were it lost to a
    // crash in between, the history above still holds the change.
    await this.redis.xadd(this.keys.events, 'MAXLEN', '~', String(this.eventsMaxLength), '*',
      'type', 'region.rollout_changed', 'region', region, 'from', from.mode, 'to', to.mode,
      'version', String(version), 'by', input.by, 'reason', input.reason, 'at', at);
    return { rollout, change: { id: historyId, version, at, by: input.by, from, to, reason: input.reason } };
  }

  /** Newest first. */
  async history(region: string, limit: number): Promise<RolloutHistoryEntry[]> {
    const entries = await this.redis.xrevrange(this.keys.rolloutHistory(region), '+', '-', 'COUNT', limit);
    return entries.map(([id, flat]) => {
      const f: Record<string, string> = {};
      for (let i = 0; i < flat.length; i += 2) f[flat[i]!] = flat[i + 1]!;
      return { id, version: Number(f.version), at: f.at!, by: f.by!, from: parseStored(f.from!), to: parseStored(f.to!), reason: f.reason! };
    });
  }
}

/** One spelling per setting (fixed key order, defaults filled), so "unchanged" is a string compare. */
export function canonical(c: RolloutConfig): RolloutConfig {
  const parsed = rolloutConfig.parse(c);
  const { teams, dags, tasks, percent } = parsed.canary;
  return { mode: parsed.mode, canary: { teams, dags, tasks, percent } };
}

function parseStored(json: string): RolloutConfig {
  return canonical(JSON.parse(json) as RolloutConfig);
}
