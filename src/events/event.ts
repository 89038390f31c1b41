// Events as published (ARCHITECTURE.md, HTTP API: "Event"). The event id is the Redis stream id,
// so SSE clients resume with Last-Event-ID.

export interface JobStateChanged {
  id: string;
  type: 'job.state_changed';
  jobId: string;
  region: string;
  from: string | null;
  to: string;
  at: string;
  application: unknown;
}

export interface RegionHealthChanged {
  id: string;
  type: 'region.health_changed';
  region: string;
  from: string;
  to: string;
  at: string;
}

export interface RegionRolloutChanged {
  id: string;
  type: 'region.rollout_changed';
  region: string;
  /** Modes; the whole setting before and after is in the region's rollout history, under `version`. */
  from: string;
  to: string;
  version: number;
  by: string;
  reason: string;
  at: string;
}

/** A webhook subscription was disabled after too many failed attempts in a row (admins only see it). */
export interface WebhookSubscriptionDisabled {
  id: string;
  type: 'webhook.subscription_disabled';
  subscriptionId: string;
  /** The subscription's URL without its query string (which may carry a token). */
  url: string;
  reason: string;
  at: string;
}

export type SluiceEvent = JobStateChanged | RegionHealthChanged | RegionRolloutChanged | WebhookSubscriptionDisabled;

/** Events only admin principals may see (they name no region). */
export function isAdminEvent(e: SluiceEvent): e is WebhookSubscriptionDisabled {
  return e.type === 'webhook.subscription_disabled';
}

/** A stream entry's flat [field, value, ...] list → event. */
export function eventFromEntry(id: string, flat: string[]): SluiceEvent {
  const f: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) f[flat[i]!] = flat[i + 1]!;
  if (f.type === 'region.rollout_changed') {
    return { id, type: 'region.rollout_changed', region: f.region!, from: f.from!, to: f.to!, version: Number(f.version), by: f.by!, reason: f.reason!, at: f.at! };
  }
  if (f.type === 'webhook.subscription_disabled') {
    return { id, type: 'webhook.subscription_disabled', subscriptionId: f.subscriptionId!, url: f.url!, reason: f.reason!, at: f.at! };
  }
  if (f.type === 'region.health_changed') {
    return { id, type: 'region.health_changed', region: f.region!, from: f.from!, to: f.to!, at: f.at! };
  }
  return {
    id,
    type: 'job.state_changed',
    jobId: f.jobId!,
    region: f.region!,
    from: f.from || null,
    to: f.to!,
    at: f.at!,
    application: f.application ? JSON.parse(f.application) : null,
  };
}
