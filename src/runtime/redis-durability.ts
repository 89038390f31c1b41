// Redis must keep what it acknowledged and never evict job records (ARCHITECTURE.md, Redis).
// In production a wrong setting stops the process; elsewhere it's a warning.

import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { SluiceConfig } from '../config/config.ts';

export async function checkRedisDurability(redis: Redis, config: SluiceConfig, log: Logger): Promise<void> {
  const [, aof] = (await redis.config('GET', 'appendonly')) as [string, string];
  const [, policy] = (await redis.config('GET', 'maxmemory-policy')) as [string, string];
  const problems = [
    aof !== 'yes' && `appendonly is "${aof}", must be "yes"`,
    policy !== 'noeviction' && `maxmemory-policy is "${policy}", must be "noeviction"`,
  ].filter(Boolean) as string[];
  if (problems.length === 0) return;
  if (config.env === 'production') throw new Error(`Redis is not safe for Sluice: ${problems.join('; ')}`);
  log.warn({ problems }, 'Redis is not configured for durability (refused in production)');
}
