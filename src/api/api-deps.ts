// What buildApp needs; the caller builds it (serve command, tests) so the app never opens its own
// connections.

import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { SluiceConfig } from '../config/config.ts';
import type { JobProducer } from '../queue/job-producer.ts';
import type { Region } from '../regions/index.ts';
import type { JobStore } from '../store/index.ts';

export interface ApiDeps {
  config: SluiceConfig;
  regions: ReadonlyMap<string, Region>;
  store: JobStore;
  producer: JobProducer;
  /** Shared connection for commands; SSE readers duplicate it (XREAD BLOCK holds a connection). */
  redis: Redis;
  log: Logger;
}
