export * from './abortable-delay.ts';
export * from './event.ts';
export * from './event-hub.ts';
export * from './event-reader.ts';
export * from './sse-stream.ts';
export * from './stream-id.ts';
export * from './stream-events.ts';
export * from './stream-slots.ts';
