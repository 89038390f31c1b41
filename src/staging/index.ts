export * from './staging-store.ts';
export * from './file-staging-store.ts';
export * from './launch-script.ts';
