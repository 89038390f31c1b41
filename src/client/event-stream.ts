// An SSE stream of Sluice events as an async iterable that survives dropped connections: it
// reconnects with Last-Event-ID (the id of the last event it yielded), so no event is lost or
// repeated, and ends after the event `isLast` picks, or when the server answers 204 (resumed at
// the end: nothing more will come).

import { SluiceConnectionError } from './errors.ts';
import type { HttpTransport } from './http-transport.ts';
import { backoffMs, sleep } from './retry-policy.ts';
import { SseParser } from './sse-parser.ts';

/**
 * Sluice writes a heartbeat comment every 15 s on an idle stream (src/api/routes/events.ts): a
 * stream silent for four of them is a dead connection (a half-open TCP after a network cut), so it
 * is dropped and resumed.
 */
export const SSE_IDLE_MS = 60_000;
/** A connection open this long was a good one, events or not: its end starts the retry count afresh. */
const HEALTHY_STREAM_MS = 10_000;

export interface EventStreamOptions<E> {
  transport: HttpTransport;
  path: string;
  lastEventId?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Reconnects in a row without an event (or a healthy stretch) before giving up. */
  retries: number;
  /** The stream's last event: the iteration ends after yielding it. */
  isLast: (event: E) => boolean;
}

export async function* eventStream<E>(opts: EventStreamOptions<E>): AsyncGenerator<E, void, undefined> {
  const { transport, signal } = opts;
  let lastId = opts.lastEventId || undefined;
  let failures = 0;
  for (;;) {
    // Opening is retried by the transport (refused, 429/503 with Retry-After); what it can't get
    // past is thrown from here: a dead server, a 404, an INVALID_LAST_EVENT_ID.
    const res = await transport.open({
      method: 'GET',
      path: opts.path,
      headers: lastId ? { 'last-event-id': lastId } : {},
      retry: 'idempotent',
      signal,
      stream: { idleMs: SSE_IDLE_MS, accept: 'text/event-stream' },
    });
    const opened = Date.now();
    let progressed = false;
    let dropped: unknown;
    try {
      if (res.status === 204) return;
      const parser = new SseParser(lastId);
      const decoder = new TextDecoder();
      for await (const chunk of res.body) {
        for (const message of parser.feed(decoder.decode(chunk, { stream: true }))) {
          let event: E;
          try {
            event = JSON.parse(message.data) as E;
          } catch (err) {
            throw new SluiceConnectionError(transport.url, 'BAD_ANSWER', `an event of ${opts.path} is not JSON: ${message.data.slice(0, 200)}`, err);
          }
          if (message.id) lastId = message.id;
          progressed = true;
          yield event;
          if (opts.isLast(event)) return;
        }
      }
    } catch (err) {
      if (err instanceof SluiceConnectionError && err.failure === 'BAD_ANSWER') throw err;
      dropped = transport.streamFailure(signal, err);
      if (signal?.aborted) throw dropped;
    } finally {
      // Also when the consumer stops early (break): the connection is freed at once.
      res.close();
    }
    // Ended or cut before its last event: resume after the last event yielded.
    if (progressed || Date.now() - opened >= HEALTHY_STREAM_MS) failures = 0;
    failures += 1;
    if (failures > opts.retries) {
      throw dropped ?? new SluiceConnectionError(transport.url, 'CLOSED', `the event stream ${opts.path} kept ending without events`);
    }
    await sleep(backoffMs(failures), signal);
  }
}
