export * from './keys.ts';
export * from './job-store.ts';
export * from './region-health.ts';
export * from './store-options.ts';
export * from './lease.ts';
export * from './rollout-store.ts';
export * from './adoption-store.ts';
export * from './adoption-fields.ts';
