// `sluice serve`: the HTTP API. It talks to Redis only, never to a ResourceManager.
// Stops in order: no new requests (in-flight ones finish), the queues, then the connection.

import { buildApiDeps } from '../api/api-deps.ts';
import { buildApp } from '../api/build-app.ts';
import { closeRedis, connectRedis, watchQueueErrors } from '../redis/index.ts';
import { checkRedisDurability, closeHttp, loadRuntime, type Shutdown } from '../runtime/index.ts';

export async function serve(shutdown: Shutdown): Promise<void> {
  const { config, regions, log } = loadRuntime();
  shutdown.log = log;
  const redis = connectRedis(config.redis.url, { name: 'api', role: 'background', log });
  shutdown.defer('redis', () => closeRedis(redis));
  await checkRedisDurability(redis, config, log);
  const deps = buildApiDeps({ config, regions, redis, log });
  shutdown.defer('queues', () => deps.close(), { deadlineMs: 2000 });
  for (const queue of deps.producer.queues()) watchQueueErrors(queue, `queue ${queue.name}`, redis, log);
  const app = buildApp(deps);
  const address = await shutdown.launch('api', () => app.listen({ host: config.http.host, port: config.http.port }), () => closeHttp(app));
  log.info({ address, regions: [...regions.keys()] }, 'sluice API listening');
}
