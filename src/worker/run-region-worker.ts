// Starts one region's worker from config: what `sluice worker --region R` and workers/ run.

import { checkRedisDurability, loadRuntime, newRedis } from '../cli/runtime.ts';
import { onShutdown } from '../cli/shutdown.ts';
import { RegionWorker } from './region-worker.ts';

export async function runRegionWorker(regionName: string): Promise<RegionWorker> {
  const { config, regions, log } = loadRuntime();
  const region = regions.get(regionName);
  if (!region) throw new Error(`no region "${regionName}" in ${config.regions.dir}; known: ${[...regions.keys()].join(', ')}`);
  const probe = newRedis(config.redis.url);
  try {
    await checkRedisDurability(probe, config, log);
  } finally {
    probe.disconnect();
  }
  const worker = new RegionWorker({
    region, redisUrl: config.redis.url, ns: config.redis.namespace, log,
    idempotencyTtlSeconds: config.idempotency.ttlSeconds, eventsMaxLength: config.events.maxLength,
  });
  onShutdown(log, [() => worker.close()]);
  await worker.start();
  return worker;
}
