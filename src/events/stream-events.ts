// Feeds one SSE client: subscribe to the hub first (live events wait in a bounded buffer), replay
// the stream's history after Last-Event-ID with XRANGE on the shared command connection, then the
// buffered and live events whose id is above the last one sent. Subscribing before the replay is
// what guarantees that nothing falls in between; comparing ids is what keeps anything from
// being sent twice.

import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { SluiceEvent } from './event.ts';
import type { EventHub, HubTopic } from './event-hub.ts';
import { readRange } from './event-reader.ts';
import type { SseStream } from './sse-stream.ts';
import { compareStreamIds } from './stream-id.ts';

export interface StreamEventsInput {
  sse: SseStream;
  hub: EventHub;
  /** Shared command connection, for the replay. */
  redis: Redis;
  topic: HubTopic;
  /** The stream replayed: the job's own stream, or the global one. */
  stream: string;
  /** Replay after this id; null: replay nothing (only what happens from now on). */
  replayAfter: string | null;
  /** Replay from the stream's start (a job's stream); overrides a null replayAfter. */
  replayAll?: boolean;
  /** The last event of this stream: after sending it the response ends. */
  isLast: (e: SluiceEvent) => boolean;
  /** What this client may see. */
  visible: (e: SluiceEvent) => boolean;
  log: Pick<Logger, 'warn'>;
}

const REPLAY_PAGE = 200;
/** Live events held while the replay runs; more means the client is far behind: it resumes. */
const MAX_PENDING_EVENTS = 1000;

export async function streamEvents(input: StreamEventsInput): Promise<void> {
  const { sse, hub, redis, topic, stream, isLast, visible, log } = input;
  let lastSent = input.replayAfter;
  let pending: SluiceEvent[] | null = [];

  const deliver = (e: SluiceEvent): void => {
    if (sse.closed) return;
    if (lastSent && compareStreamIds(e.id, lastSent) <= 0) return;
    lastSent = e.id;
    if (visible(e)) sse.send(e);
    if (isLast(e)) sse.end('done');
  };

  let unsubscribe: (() => void) | null = null;
  sse.onClose(() => unsubscribe?.());
  try {
    unsubscribe = await hub.subscribe(topic, {
      onEvent: (e) => {
        if (!pending) return deliver(e);
        if (pending.length >= MAX_PENDING_EVENTS) {
          log.warn({ pending: pending.length }, 'SSE client far behind during replay; stream ended (it resumes with Last-Event-ID)');
          sse.end('slow-client');
          return;
        }
        pending.push(e);
      },
      onClose: () => sse.end('closing'),
    });
    if (sse.closed) return unsubscribe();

    if (input.replayAfter || input.replayAll) {
      for (;;) {
        const page = await readRange(redis, stream, lastSent, REPLAY_PAGE);
        for (const e of page) {
          deliver(e);
          // Paced by the client: history never piles up in memory (live events wait in `pending`).
          await sse.drained();
        }
        if (page.length < REPLAY_PAGE || sse.closed) break;
      }
    }
    const buffered = pending;
    pending = null;
    for (const e of buffered) deliver(e);
  } catch (err) {
    if (sse.closed) return;
    // Redis down or the hub closing: end cleanly; the client resumes with Last-Event-ID.
    log.warn({ err }, 'event stream failed; ended');
    sse.end('failed');
  }
}
