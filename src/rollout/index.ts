export * from './rollout-config.ts';
export * from './rollout-views.ts';
