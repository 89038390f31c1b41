// `sluice serve`: the HTTP API. It talks to Redis only, never to a ResourceManager.

import { buildApp } from '../api/build-app.ts';
import { JobProducer } from '../queue/job-producer.ts';
import { JobStore, keysFor } from '../store/index.ts';
import { checkRedisDurability, loadRuntime, newRedis } from './runtime.ts';
import { onShutdown } from './shutdown.ts';

export async function serve(): Promise<void> {
  const { config, regions, log } = loadRuntime();
  const redis = newRedis(config.redis.url);
  await checkRedisDurability(redis, config, log);
  const keys = keysFor(config.redis.namespace);
  const store = new JobStore(redis, keys, { idempotencyTtlSeconds: config.idempotency.ttlSeconds, eventsMaxLength: config.events.maxLength });
  const producer = new JobProducer(redis, keys.ns, regions.keys());
  const app = buildApp({ config, regions, store, producer, redis, log });
  onShutdown(log, [() => app.close(), () => producer.close(), () => redis.quit()]);
  const address = await app.listen({ host: config.http.host, port: config.http.port });
  log.info({ address, regions: [...regions.keys()] }, 'sluice API listening');
}
