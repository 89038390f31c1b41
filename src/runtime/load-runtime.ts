// What every long-running sluice process starts from: config, regions, the root logger.

import type { Logger } from 'pino';
import { loadConfig, type SluiceConfig } from '../config/config.ts';
import { createLogger } from '../log.ts';
import { loadRegions, type Region } from '../regions/index.ts';

export interface Runtime {
  config: SluiceConfig;
  regions: Map<string, Region>;
  log: Logger;
}

export function loadRuntime(): Runtime {
  const config = loadConfig();
  const log = createLogger(config.log.level);
  const regions = loadRegions(config.regions.dir);
  return { config, regions, log };
}
