// Reads a stream's history with plain commands (XRANGE, XREVRANGE) on the shared command
// connection. Live events come from the EventHub; nothing here blocks a connection.

import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { eventFromEntry, type SluiceEvent } from './event.ts';

/** Up to `count` events after `after` (exclusive; null: from the start). */
export async function readRange(redis: Redis, stream: string, after: string | null, count: number): Promise<SluiceEvent[]> {
  const entries = (await redis.xrange(stream, after ? `(${after}` : '-', '+', 'COUNT', count)) as [string, string[]][];
  return entries.map(([id, flat]) => eventFromEntry(id, flat));
}

/** The id of the stream's newest entry; null when the stream is empty or gone (expired). */
export async function lastStreamId(redis: Redis, stream: string): Promise<string | null> {
  const last = (await redis.xrevrange(stream, '+', '-', 'COUNT', 1)) as [string, string[]][];
  return last[0]?.[0] ?? null;
}

/** A live reader's entry → event; an entry it can't read is logged and skipped (null), never fatal. */
export function eventOrSkip(id: string, flat: string[], log: Pick<Logger, 'warn'>): SluiceEvent | null {
  try {
    return eventFromEntry(id, flat);
  } catch (err) {
    log.warn({ err, eventId: id }, 'unreadable event skipped');
    return null;
  }
}
