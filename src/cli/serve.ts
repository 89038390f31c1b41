// `sluice serve`: the HTTP API. It talks to Redis only, never to a ResourceManager.
// Stops in order: no new requests (in-flight ones finish), the queues, then the connection.

import { buildApiDeps, startApiWebhooks } from '../api/api-deps.ts';
import { buildApp } from '../api/build-app.ts';
import { closeRedis, connectRedis, waitUntilReady } from '../redis/index.ts';
import { checkRedisDurability, closeHttp, launchMetrics, loadRuntime, warnOnRolloutDrift, type Shutdown } from '../runtime/index.ts';

/** How long `sluice serve` waits for Redis at start before it gives up, naming it. */
const REDIS_START_TIMEOUT_MS = 10_000;

export async function serve(shutdown: Shutdown): Promise<void> {
  const { config, regions, log } = loadRuntime();
  shutdown.log = log;
  // The request path's connection: bounded, so an outage is a fast 503, never a hang.
  const redis = connectRedis(config.redis.url, { name: 'api', role: 'request', log });
  shutdown.defer('redis', () => closeRedis(redis));
  await waitUntilReady(redis, REDIS_START_TIMEOUT_MS);
  await checkRedisDurability(redis, config, log);
  const deps = buildApiDeps({ config, regions, redis, log });
  await warnOnRolloutDrift(regions, deps.rollouts, log);
  shutdown.defer('queues', () => deps.close(), { deadlineMs: 2000 });
  // Stopped after the API (steps stop in reverse): a last scrape still sees the final counts.
  await launchMetrics(config, shutdown, log);
  if (config.webhooks.enabled) {
    const webhooks = startApiWebhooks(deps);
    shutdown.defer('webhooks', () => webhooks.close(), { deadlineMs: 3000 });
  }
  const app = buildApp(deps);
  const address = await shutdown.launch('api', () => app.listen({ host: config.http.host, port: config.http.port }), () => closeHttp(app));
  log.info({ address, regions: [...regions.keys()] }, 'sluice API listening');
}
