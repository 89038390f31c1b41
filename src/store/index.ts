export * from './keys.ts';
export * from './job-store.ts';
