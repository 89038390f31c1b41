export * from './resource-manager.ts';
export * from './errors.ts';
export * from './resource-manager-client.ts';
