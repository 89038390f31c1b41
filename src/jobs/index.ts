export * from './job-state.ts';
export * from './job-spec.ts';
export * from './job.ts';
export * from './yarn-state-mapping.ts';
export * from './job-errors.ts';
export * from './job-rollout.ts';
export * from './spark-conf.ts';
