export * from './connect-redis.ts';
export * from './close-redis.ts';
export * from './watch-queue-errors.ts';
export * from './store-unavailable.ts';
