// Reads events from a stream after a given id, blocking for new ones: the source of every SSE
// response. Each reader holds its own Redis connection, because XREAD BLOCK occupies it.

import type { Redis } from 'ioredis';
import { eventFromEntry, type SluiceEvent } from './event.ts';

export interface ReadOptions {
  /** Stream id to read after; "0" for the whole history, "$" for only new events. */
  after: string;
  blockMs: number;
  count?: number;
}

export async function readEvents(redis: Redis, stream: string, opts: ReadOptions): Promise<SluiceEvent[]> {
  const reply = (await redis.xread('COUNT', opts.count ?? 100, 'BLOCK', opts.blockMs, 'STREAMS', stream, opts.after)) as
    | [string, [string, string[]][]][]
    | null;
  if (!reply) return [];
  return reply[0]![1].map(([id, flat]) => eventFromEntry(id, flat));
}

/** Yields events until `signal` aborts; `after` moves with each event so nothing repeats. */
export async function* followEvents(redis: Redis, stream: string, after: string, signal: AbortSignal): AsyncGenerator<SluiceEvent> {
  let cursor = after;
  if (cursor === '$') {
    // Resolve "$" once: re-sending "$" after a timeout would skip events written in between.
    const last = (await redis.xrevrange(stream, '+', '-', 'COUNT', 1))[0];
    cursor = last ? last[0] : '0';
  }
  while (!signal.aborted) {
    const events = await readEvents(redis, stream, { after: cursor, blockMs: 1000 });
    for (const e of events) {
      cursor = e.id;
      yield e;
    }
  }
}
