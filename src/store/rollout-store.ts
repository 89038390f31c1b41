// A region's rollout setting in Redis: the live one (a hash) and the append-only history of every
// change (a stream), both under the region's hash tag and changed by one script, so a change and
// its history entry are never apart; events follow from the history. Read on every submission: a change is in force for every API
// process as soon as the script returns, with no cache to expire.

import type { Redis } from 'ioredis';
import { rolloutConfig, type RolloutConfig, type RolloutHistoryEntry, type RolloutView } from '../rollout/index.ts';
import type { Keys } from './keys.ts';

/**
 * KEYS: rollout(region), rolloutHistory(region)
 * ARGV: fileConfigJson, newConfigJson, at, by, reason, expectedVersion ("" = any)
 * → {changed 1 | 0 (already in force) | -1 (the version moved on), version, fromJson, historyId}
 */
const CHANGE_ROLLOUT = `
local cur = redis.call('HMGET', KEYS[1], 'config', 'version')
local from = cur[1] or ARGV[1]
local version = tonumber(cur[2] or '0')
if ARGV[6] ~= '' and tonumber(ARGV[6]) ~= version then return {-1, version, from, ''} end
if from == ARGV[2] then return {0, version, from, ''} end
version = version + 1
redis.call('HSET', KEYS[1], 'config', ARGV[2], 'version', version, 'updatedAt', ARGV[3], 'updatedBy', ARGV[4], 'reason', ARGV[5])
local id = redis.call('XADD', KEYS[2], '*', 'version', version, 'at', ARGV[3], 'by', ARGV[4], 'from', from, 'to', ARGV[2], 'reason', ARGV[5])
return {1, version, from, id}
`;

export interface RolloutChangeInput {
  /** The new setting; `canary: 'keep'` keeps the canary setting in force at the time of the change. */
  config: { mode: RolloutConfig['mode']; canary: RolloutConfig['canary'] | 'keep' };
  by: string;
  reason: string;
}

/** A change that keeps the canary setting re-reads and retries when another change lands in between. */
const MAX_ATTEMPTS = 10;

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
   * setting already in force records nothing (a retried PUT makes no second entry). A change that
   * keeps the canary setting is applied against the version it read, so two admins changing the
   * region at once never write back a stale allow-list.
   */
  async change(region: string, fromFile: RolloutConfig, input: RolloutChangeInput): Promise<{ rollout: RolloutView; change: RolloutHistoryEntry | null }> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.current(region, fromFile);
      const keep = input.config.canary === 'keep';
      const to = canonical({ mode: input.config.mode, canary: keep ? current.canary : input.config.canary as RolloutConfig['canary'] });
      const at = new Date().toISOString();
      const [outcome, version, fromJson, historyId] = (await this.redis.eval(
        CHANGE_ROLLOUT, 2, this.keys.rollout(region), this.keys.rolloutHistory(region),
        JSON.stringify(canonical(fromFile)), JSON.stringify(to), at, input.by, input.reason, keep ? String(current.version) : '',
      )) as [number, number, string, string];
      if (outcome === -1) {
        if (attempt < MAX_ATTEMPTS) continue;
        throw new Error(`region ${region}: the rollout kept changing under this change (${MAX_ATTEMPTS} attempts)`);
      }
      // Also after a no-op: a retry of a change whose event was lost (the PUT failed after the
      // script) publishes it now.
      await this.publishPending(region);
      if (outcome === 0) {
        // Already in force: what was read is the answer, unless another change landed in between.
        return { rollout: version === current.version ? current : await this.current(region, fromFile), change: null };
      }
      const rollout: RolloutView = { ...to, version, source: 'live', updatedAt: at, updatedBy: input.by, reason: input.reason };
      return { rollout, change: { id: historyId, version, at, by: input.by, from: parseStored(fromJson), to, reason: input.reason } };
    }
  }

  /**
   * Publishes the history entries not yet published as events, in order, then marks them. The
   * global event stream has no region tag, so this is a write of its own (Cluster-safe) after the
   * change; an entry is published at least once (two changes racing may both publish one).
   */
  private async publishPending(region: string): Promise<void> {
    const published = await this.redis.hget(this.keys.rollout(region), 'published');
    const entries = await this.redis.xrange(this.keys.rolloutHistory(region), published ? `(${published}` : '-', '+');
    for (const [id, flat] of entries) {
      const e = entryOf(id, flat);
      await this.redis.xadd(this.keys.events, 'MAXLEN', '~', String(this.eventsMaxLength), '*',
        'type', 'region.rollout_changed', 'region', region, 'from', e.from.mode, 'to', e.to.mode,
        'version', String(e.version), 'by', e.by, 'reason', e.reason, 'at', e.at);
      await this.redis.hset(this.keys.rollout(region), 'published', id);
    }
  }

  /** Newest first. */
  async history(region: string, limit: number): Promise<RolloutHistoryEntry[]> {
    const entries = await this.redis.xrevrange(this.keys.rolloutHistory(region), '+', '-', 'COUNT', limit);
    return entries.map(([id, flat]) => entryOf(id, flat));
  }
}

function entryOf(id: string, flat: string[]): RolloutHistoryEntry {
  const f: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) f[flat[i]!] = flat[i + 1]!;
  return { id, version: Number(f.version), at: f.at!, by: f.by!, from: parseStored(f.from!), to: parseStored(f.to!), reason: f.reason! };
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
