// The job store's options from the service configuration: one place, for the API and the workers.

import type { SluiceConfig } from '../config/config.ts';
import type { JobStoreOptions } from './job-store.ts';

export function jobStoreOptions(config: SluiceConfig, now?: () => number): JobStoreOptions {
  return {
    idempotencyTtlSeconds: config.idempotency.ttlSeconds,
    eventsMaxLength: config.events.maxLength,
    retentionSeconds: config.retention.days * 24 * 3600,
    ...(now ? { now } : {}),
  };
}
