export * from './connect-redis.ts';
