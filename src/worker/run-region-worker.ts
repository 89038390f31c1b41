// Starts one region's worker from config: what `sluice worker --region R` and workers/ run.
// Its stop step is registered before it starts, so a signal during start-up closes it too.

import { connectRedis } from '../redis/index.ts';
import { checkRedisDurability, launchMetrics, loadRuntime, type Shutdown } from '../runtime/index.ts';
import { RegionWorker } from './region-worker.ts';

export async function runRegionWorker(regionName: string, shutdown: Shutdown): Promise<RegionWorker> {
  const { config, regions, log } = loadRuntime();
  shutdown.log = log;
  const region = regions.get(regionName);
  if (!region) throw new Error(`no region "${regionName}" in ${config.regions.dir}; known: ${[...regions.keys()].join(', ')}`);
  const probe = connectRedis(config.redis.url, { name: 'durability-check', role: 'background', log });
  try {
    await checkRedisDurability(probe, config, log);
  } finally {
    probe.disconnect();
  }
  shutdown.signal.throwIfAborted();
  await launchMetrics(config, shutdown, log);
  const worker = new RegionWorker({ region, config, log });
  shutdown.defer('region worker', () => worker.close());
  await worker.start();
  return worker;
}
