// Webhook subscriptions in Redis, all under the hash tag {webhooks}: a hash per subscription, the
// set of ids, and a capped list of the last attempts per subscription (LPUSH + LTRIM). Every script
// touches keys of that one slot only. The secret is stored (deliveries sign with it) and returned
// only by create(); every view leaves it out.

import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { newUlid } from '../jobs/new-ulid.ts';
import type { Keys } from '../store/keys.ts';
import type { WebhookAttempt, WebhookFilter, WebhookSubscription, WebhookSubscriptionDetail } from './webhook-schemas.ts';

/** How many attempts a subscription's log keeps. */
export const ATTEMPT_LOG_SIZE = 20;

/** What delivery needs of a subscription. */
export interface DeliveryTarget {
  id: string;
  url: string;
  secret: string;
  enabled: boolean;
}

/** What recordAttempt did: `reason` is the disabled reason stored, when this attempt disabled it. */
export interface RecordedAttempt {
  disabledNow: boolean;
  consecutiveFailures: number;
  reason: string | null;
}

export interface FanOutTarget {
  id: string;
  filter: WebhookFilter;
}

/** `whsec_` and the base64 of 32 random bytes: the form Standard Webhooks libraries take. */
export function generateSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

// KEYS: hash, attempts. ARGV: attempt JSON, failed ("1"|"0"), disableAfter, logSize, reason, at,
// the attempt JSON to log instead when this attempt disables the subscription (its outcome final),
// cutoff (an ISO time: a streak that began at or before it has lasted disableAfterSeconds).
// A success clears the streak (consecutiveFailures 0, failingSince ""); a failure counts one more
// and, on the streak's first, sets failingSince to its time. The subscription is disabled when
// both hold: disableAfter failures in a row, and failingSince at or before the cutoff. ISO times of
// one format (toISOString) compare as strings. `{n}` and `{since}` in the reason are filled in.
// Returns {disabledNow (1|0), consecutiveFailures, reason}; nothing for a subscription that is gone.
const RECORD_ATTEMPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
local entry = ARGV[1]
local result = {0, 0, ''}
if ARGV[2] == '0' then
  redis.call('HSET', KEYS[1], 'consecutiveFailures', 0, 'failingSince', '')
else
  local n = redis.call('HINCRBY', KEYS[1], 'consecutiveFailures', 1)
  local since = redis.call('HGET', KEYS[1], 'failingSince')
  if not since or since == '' then
    since = ARGV[6]
    redis.call('HSET', KEYS[1], 'failingSince', since)
  end
  result = {0, n, ''}
  if n >= tonumber(ARGV[3]) and since <= ARGV[8] and redis.call('HGET', KEYS[1], 'enabled') == '1' then
    local reason = string.gsub(string.gsub(ARGV[5], '{n}', tostring(n)), '{since}', since)
    redis.call('HSET', KEYS[1], 'enabled', '0', 'disabledReason', reason, 'disabledAt', ARGV[6])
    entry = ARGV[7]
    result = {1, n, reason}
  end
end
redis.call('LPUSH', KEYS[2], entry)
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[4]) - 1)
redis.call('HSET', KEYS[1], 'lastAttempt', entry)
return result
`;

// KEYS: hash. Re-enables an existing subscription and resets its failure streak; 0 when it is gone.
const ENABLE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'enabled', '1', 'consecutiveFailures', 0, 'failingSince', '', 'disabledReason', '', 'disabledAt', '')
return 1
`;

export class SubscriptionStore {
  constructor(private readonly redis: Redis, private readonly keys: Keys, private readonly eventsMaxLength: number) {}

  async create(input: { url: string; description?: string; filter: WebhookFilter; createdBy: string; now?: Date }): Promise<{ subscription: WebhookSubscription; secret: string }> {
    const id = `wh_${newUlid()}`;
    const secret = generateSecret();
    const fields = {
      id, url: input.url, description: input.description ?? '', filter: JSON.stringify(input.filter), secret,
      enabled: '1', disabledReason: '', disabledAt: '', consecutiveFailures: '0', failingSince: '',
      createdAt: (input.now ?? new Date()).toISOString(), createdBy: input.createdBy, lastAttempt: '',
    };
    await this.redis.multi()
      .hset(this.keys.webhookSubscription(id), fields)
      .sadd(this.keys.webhookSubscriptions, id)
      .exec();
    return { subscription: toView(fields), secret };
  }

  async list(): Promise<WebhookSubscription[]> {
    const hashes = await this.all();
    return hashes.map(toView).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  async get(id: string): Promise<WebhookSubscriptionDetail | null> {
    const [hash, attempts] = await Promise.all([
      this.redis.hgetall(this.keys.webhookSubscription(id)),
      this.redis.lrange(this.keys.webhookAttempts(id), 0, ATTEMPT_LOG_SIZE - 1),
    ]);
    if (!hash.id) return null;
    return { ...toView(hash), attempts: attempts.map((a) => JSON.parse(a) as WebhookAttempt) };
  }

  async delete(id: string): Promise<boolean> {
    const results = await this.redis.multi()
      .del(this.keys.webhookSubscription(id), this.keys.webhookAttempts(id))
      .srem(this.keys.webhookSubscriptions, id)
      .exec();
    return Number(results?.[1]?.[1] ?? 0) > 0;
  }

  /** Enabled again, failures reset; null when there is no such subscription. */
  async enable(id: string): Promise<WebhookSubscription | null> {
    const done = await this.redis.eval(ENABLE, 1, this.keys.webhookSubscription(id));
    if (!done) return null;
    const hash = await this.redis.hgetall(this.keys.webhookSubscription(id));
    return hash.id ? toView(hash) : null;
  }

  async target(id: string): Promise<DeliveryTarget | null> {
    const [url, secret, enabled] = await this.redis.hmget(this.keys.webhookSubscription(id), 'url', 'secret', 'enabled');
    if (!url || !secret) return null;
    return { id, url, secret, enabled: enabled === '1' };
  }

  /** The enabled subscriptions with their filters (fan-out reads these for every batch of events). */
  async enabledTargets(): Promise<FanOutTarget[]> {
    const hashes = await this.all();
    return hashes.filter((h) => h.enabled === '1').map((h) => ({ id: h.id!, filter: JSON.parse(h.filter || '{}') as WebhookFilter }));
  }

  /**
   * Appends to the attempt log and counts failures in a row (a success resets them and clears
   * failingSince). An enabled subscription is disabled when it has `disableAfter` failures in a row
   * AND the streak began at least `disableAfterSeconds` before this attempt: a burst of failures
   * during a short outage never disables it. `disabledNow` is true for the one call that disabled
   * it (its attempt is logged as `failed`: no retry follows), with the reason stored (`{n}` and
   * `{since}` in opts.reason filled in). Null when the subscription is gone.
   */
  async recordAttempt(id: string, attempt: WebhookAttempt, opts: { failed: boolean; disableAfter: number; disableAfterSeconds: number; reason: string }): Promise<RecordedAttempt | null> {
    const cutoff = new Date(Date.parse(attempt.at) - opts.disableAfterSeconds * 1000).toISOString();
    const result = await this.redis.eval(
      RECORD_ATTEMPT, 2, this.keys.webhookSubscription(id), this.keys.webhookAttempts(id),
      JSON.stringify(attempt), opts.failed ? '1' : '0', String(opts.disableAfter), String(ATTEMPT_LOG_SIZE), opts.reason, attempt.at,
      JSON.stringify({ ...attempt, outcome: attempt.outcome === 'refused' ? 'refused' : 'failed' }), cutoff,
    ) as [number, number, string] | null;
    if (!result) return null;
    return { disabledNow: result[0] === 1, consecutiveFailures: Number(result[1]), reason: result[2] || null };
  }

  /** `webhook.subscription_disabled` on the global events stream (the URL without its query: it may hold a token). */
  async publishDisabled(id: string, url: string, reason: string, at: Date): Promise<string> {
    return (await this.redis.xadd(this.keys.events, 'MAXLEN', '~', String(this.eventsMaxLength), '*',
      'type', 'webhook.subscription_disabled', 'subscriptionId', id, 'url', publicUrl(url), 'reason', reason, 'at', at.toISOString()))!;
  }

  private async all(): Promise<Record<string, string>[]> {
    const ids = await this.redis.smembers(this.keys.webhookSubscriptions);
    if (!ids.length) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.keys.webhookSubscription(id));
    const results = (await pipeline.exec()) ?? [];
    return results.map(([err, hash]) => {
      if (err) throw err;
      return hash as Record<string, string>;
    }).filter((h) => h.id);
  }
}

function toView(h: Record<string, string>): WebhookSubscription {
  return {
    id: h.id!,
    url: h.url!,
    description: h.description || null,
    filter: JSON.parse(h.filter || '{}') as WebhookFilter,
    enabled: h.enabled === '1',
    disabledReason: h.disabledReason || null,
    disabledAt: h.disabledAt || null,
    consecutiveFailures: Number(h.consecutiveFailures ?? 0),
    failingSince: h.failingSince || null,
    createdAt: h.createdAt!,
    createdBy: h.createdBy!,
    lastAttempt: h.lastAttempt ? JSON.parse(h.lastAttempt) as WebhookAttempt : null,
  };
}

/** The URL without credentials, query or fragment. */
export function publicUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString();
  } catch {
    return url.split('?')[0]!;
  }
}
