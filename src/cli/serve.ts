// `sluice serve`: the HTTP API. It talks to Redis only, never to a ResourceManager.

import { buildApiDeps } from '../api/api-deps.ts';
import { buildApp } from '../api/build-app.ts';
import { checkRedisDurability, loadRuntime, newRedis } from './runtime.ts';
import { onShutdown } from './shutdown.ts';

export async function serve(): Promise<void> {
  const { config, regions, log } = loadRuntime();
  const redis = newRedis(config.redis.url);
  await checkRedisDurability(redis, config, log);
  const deps = buildApiDeps({ config, regions, redis, log });
  const app = buildApp(deps);
  onShutdown(log, [() => app.close(), () => deps.close(), () => redis.quit()]);
  const address = await app.listen({ host: config.http.host, port: config.http.port });
  log.info({ address, regions: [...regions.keys()] }, 'sluice API listening');
}
