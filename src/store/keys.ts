// Every Redis key Sluice writes, in one place. `ns` lets tests (and several deployments sharing a
// Redis) keep apart; BullMQ's queues use the same ns as their prefix.

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
}

export function keysFor(ns: string): Keys {
  return {
    ns,
    job: (id) => `${ns}:job:${id}`,
    jobEvents: (id) => `${ns}:events:job:${id}`,
    jobIndex: `${ns}:jobs`,
    events: `${ns}:events`,
    // The principal is part of the key: two callers may pick the same key independently.
    idempotency: (principal, key) => `${ns}:idem:${principal}:${key}`,
    tracked: (region) => `${ns}:region:${region}:tracked`,
    appJobs: (region) => `${ns}:region:${region}:app-jobs`,
    trackerLease: (region) => `${ns}:region:${region}:tracker-lease`,
    regionHealth: (region) => `${ns}:region:${region}:health`,
  };
}
