export * from './event.ts';
export * from './event-reader.ts';
