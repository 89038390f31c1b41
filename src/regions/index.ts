export * from './region-schema.ts';
export * from './load-regions.ts';
