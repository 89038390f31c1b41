// Closing a connection must not wait on a dead Redis: QUIT is queued until a reconnect that may
// never come, and a blocking read (BLPOP, XREAD BLOCK) holds its connection until it returns. So:
// QUIT when the connection is up, for at most graceMs; otherwise, or after that, disconnect(),
// which drops the socket and stops reconnecting. A command already queued for a reconnect is not
// failed by it (ioredis keeps it pending): whoever waits on one must bound that wait itself.

import type { Redis } from 'ioredis';

export const DEFAULT_QUIT_GRACE_MS = 1000;

export async function closeRedis(redis: Redis, graceMs = DEFAULT_QUIT_GRACE_MS): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const quit = redis.quit().then(() => 'quit' as const, () => 'failed' as const);
  const late = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), graceMs); });
  const outcome = await Promise.race([quit, late]);
  clearTimeout(timer);
  if (outcome !== 'quit') redis.disconnect();
}
