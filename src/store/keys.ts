// Every Redis key Sluice writes, in one place. `ns` lets tests (and several deployments sharing a
// Redis) keep apart; BullMQ's queues use the same ns as their prefix.
//
// A region's own keys share the hash tag {region:<name>}, so a MULTI or script over them stays in
// one Cluster slot. Not yet Cluster-ready: the create-job and job-state scripts touch a job's record,
// the idempotency key, the global index and event stream, and the region's keys (pending, finished,
// the day's adoption counters) together; the region-health script touches the event stream too.
// The rollout keys and the adoption reads stay within the region's slot. Webhook subscriptions and
// their attempt logs share {webhooks}; the event a disable publishes is a command of its own.

export interface Keys {
  ns: string;
  job(id: string): string;
  jobEvents(id: string): string;
  jobIndex: string;
  events: string;
  idempotency(principal: string, key: string): string;
  tracked(region: string): string;
  appJobs(region: string): string;
  trackerLease(region: string): string;
  regionHealth(region: string): string;
  /** Terminal jobs by finish time (ms): what the retention sweeper deletes, oldest first. */
  finished(region: string): string;
  /**
   * Jobs recorded but neither tracked on YARN nor ended yet, by creation time (ms): a failed
   * enqueue, or a submit whose queue entry is gone, stays here and reconciliation settles it.
   */
  pending(region: string): string;
  /** Jobs whose submit gave up after YARN may have accepted it: reconciliation decides their end. */
  reconcile(region: string): string;
  /** One housekeeper (reconciliation, retention) per region at a time. */
  housekeeperLease(region: string): string;
  /** The live rollout setting (absent: the region file's). */
  rollout(region: string): string;
  /** Every live rollout change, append-only (a stream). */
  rolloutHistory(region: string): string;
  /** The migration view's counters of one UTC day (YYYY-MM-DD), a hash. */
  adoption(region: string, day: string): string;
  /**
   * A Bull Board login: the SHA-256 (hex) of the session id → the principal's name, with a TTL.
   * Kept in Redis so every API process knows every session; the id itself is only in the cookie.
   */
  adminSession(idHash: string): string;
  /** Webhook subscription ids (a set); every webhook key shares the hash tag {webhooks}. */
  webhookSubscriptions: string;
  /** One webhook subscription (a hash). */
  webhookSubscription(id: string): string;
  /** A subscription's last delivery attempts, newest first (a capped list). */
  webhookAttempts(id: string): string;
}

export function keysFor(ns: string): Keys {
  const region = (name: string, what: string) => `${ns}:{region:${name}}:${what}`;
  return {
    ns,
    job: (id) => `${ns}:job:${id}`,
    jobEvents: (id) => `${ns}:events:job:${id}`,
    jobIndex: `${ns}:jobs`,
    events: `${ns}:events`,
    // The principal is part of the key: two callers may pick the same key independently.
    idempotency: (principal, key) => `${ns}:idem:${principal}:${key}`,
    tracked: (name) => region(name, 'tracked'),
    appJobs: (name) => region(name, 'app-jobs'),
    trackerLease: (name) => region(name, 'tracker-lease'),
    regionHealth: (name) => region(name, 'health'),
    finished: (name) => region(name, 'finished'),
    pending: (name) => region(name, 'pending'),
    reconcile: (name) => region(name, 'reconcile'),
    housekeeperLease: (name) => region(name, 'housekeeper-lease'),
    rollout: (name) => region(name, 'rollout'),
    rolloutHistory: (name) => region(name, 'rollout-history'),
    adoption: (name, day) => region(name, `adoption:${day}`),
    adminSession: (idHash) => `${ns}:{admin}:session:${idHash}`,
    webhookSubscriptions: `${ns}:{webhooks}:subscriptions`,
    webhookSubscription: (id) => `${ns}:{webhooks}:subscription:${id}`,
    webhookAttempts: (id) => `${ns}:{webhooks}:attempts:${id}`,
  };
}
