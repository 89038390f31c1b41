export * from '../regions/rollout-config.ts';
export * from './rollout-views.ts';
export * from './rollout-decision.ts';
export * from './shadow-report.ts';
