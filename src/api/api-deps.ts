// What buildApp needs, and the one place it is put together (serve, dev and the tests all use
// buildApiDeps), so the app never opens its own connections.

import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { SluiceConfig } from '../config/config.ts';
import { LogClient } from '../logs/log-client.ts';
import { JobProducer } from '../queue/job-producer.ts';
import type { Region } from '../regions/index.ts';
import { JobStore, jobStoreOptions, keysFor } from '../store/index.ts';

export interface ApiDeps {
  config: SluiceConfig;
  regions: ReadonlyMap<string, Region>;
  store: JobStore;
  producer: JobProducer;
  /** Shared connection for commands; SSE readers duplicate it (XREAD BLOCK holds a connection). */
  redis: Redis;
  log: Logger;
  logs: LogClient;
}

export function buildApiDeps(input: { config: SluiceConfig; regions: ReadonlyMap<string, Region>; redis: Redis; log: Logger }): ApiDeps & { close(): Promise<void> } {
  const { config, redis } = input;
  const keys = keysFor(config.redis.namespace);
  const producer = new JobProducer(redis, keys.ns, input.regions.keys());
  return {
    ...input,
    store: new JobStore(redis, keys, jobStoreOptions(config)),
    producer,
    logs: new LogClient(redis, keys.ns),
    close: () => producer.close(),
  };
}
