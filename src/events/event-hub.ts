// One reader of the global events stream per API process, fanning events out to every SSE client.
// XREAD BLOCK holds its connection, so a reader per client meant a Redis connection per client
// (500 streams: 514 connections, and submits slowed 25-fold). Every job event is written to the
// global stream and to the job's own stream with the same id (src/store/lua-scripts.ts), so the
// hub serves per-job subscribers too, by jobId.
//
// Ordering guarantee for a subscriber: every event with an id above the hub's cursor at the
// moment subscribe() resolves is delivered to it. Events at or below that cursor were written
// before, so a replay of history (XRANGE) started after subscribe() resolves sees them.

import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { abortableDelay } from './abortable-delay.ts';
import type { SluiceEvent } from './event.ts';
import { eventOrSkip, lastStreamId } from './event-reader.ts';

export interface HubListener {
  onEvent(event: SluiceEvent): void;
  /** The hub is closing: end the client's stream. */
  onClose(): void;
}

/** A job's events, or all events (the listener filters what its client may see). */
export type HubTopic = { jobId: string } | 'all';

export interface HubOptions {
  /** The hub's own connection: XREAD BLOCK holds it. Made with lazyConnect; the hub disconnects it. */
  blocking: Redis;
  stream: string;
  log: Logger;
  blockMs?: number;
  batch?: number;
}

interface Run {
  ready: Promise<void>;
  done: Promise<void>;
}

const RETRY_AFTER_ERROR_MS = 1000;
const CLOSE_WAIT_MS = 2000;

export class EventHub {
  private readonly byJob = new Map<string, Set<HubListener>>();
  private readonly all = new Set<HubListener>();
  private cursor = '0-0';
  private run: Run | null = null;
  private closed = false;
  private readonly wake = new AbortController();
  /** Rejects on close(): every wait on the connection races it, as ioredis may never fail a
   *  command queued while it reconnects, even after disconnect(). */
  private readonly closing: Promise<never>;

  constructor(private readonly opts: HubOptions) {
    this.closing = new Promise<never>((_, reject) => {
      this.wake.signal.addEventListener('abort', () => reject(new Error('event hub closed')));
    });
    this.closing.catch(() => {});
  }

  get subscribers(): number {
    let n = this.all.size;
    for (const set of this.byJob.values()) n += set.size;
    return n;
  }

  /** Registers, then resolves once the hub reads past a known cursor; returns the unsubscribe. */
  async subscribe(topic: HubTopic, listener: HubListener): Promise<() => void> {
    if (this.closed) throw new Error('event hub closed');
    if (topic === 'all') this.all.add(listener);
    else {
      let set = this.byJob.get(topic.jobId);
      if (!set) this.byJob.set(topic.jobId, (set = new Set()));
      set.add(listener);
    }
    const unsubscribe = () => {
      if (topic === 'all') this.all.delete(listener);
      else {
        const set = this.byJob.get(topic.jobId);
        set?.delete(listener);
        if (set?.size === 0) this.byJob.delete(topic.jobId);
      }
    };
    try {
      this.run ??= this.start();
      await this.run.ready;
    } catch (err) {
      unsubscribe();
      throw err;
    }
    return unsubscribe;
  }

  /** Ends every subscriber and stops reading; never waits on Redis (it may be down). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const l of [...this.all, ...[...this.byJob.values()].flatMap((s) => [...s])]) safely(() => l.onClose(), this.opts.log);
    this.all.clear();
    this.byJob.clear();
    this.wake.abort();
    // Rejects the blocked XREAD (or a command waiting for a reconnect) at once.
    this.opts.blocking.disconnect();
    const run = this.run;
    if (run) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([run.done, new Promise((r) => { timer = setTimeout(r, CLOSE_WAIT_MS); })]);
      clearTimeout(timer);
    }
  }

  /**
   * Reads while anyone listens. With nobody left the run ends (an idle API reads nothing), and
   * the next subscriber starts a new one from the stream's end at that time.
   */
  private start(): Run {
    const { blocking, stream, log } = this.opts;
    let readyResolve!: () => void;
    let readyReject!: (err: Error) => void;
    const ready = new Promise<void>((res, rej) => { readyResolve = res; readyReject = rej; });
    const self: Run = { ready, done: Promise.resolve() };
    self.done = (async () => {
      try {
        this.cursor = (await this.untilClosed(lastStreamId(blocking, stream))) ?? '0-0';
        readyResolve();
      } catch (err) {
        if (this.run === self) this.run = null;
        readyReject(err as Error);
        return;
      }
      for (;;) {
        // Checked and cleared in one step: a subscriber arriving now starts a fresh run.
        if (this.closed || this.subscribers === 0) {
          if (this.run === self) this.run = null;
          return;
        }
        await this.readOnce().catch(async (err: unknown) => {
          if (this.closed) return;
          log.warn({ err }, 'event hub read failed; retrying');
          await abortableDelay(RETRY_AFTER_ERROR_MS, this.wake.signal);
        });
      }
    })();
    return self;
  }

  private async readOnce(): Promise<void> {
    const { blocking, stream, blockMs = 5000, batch = 100 } = this.opts;
    const reply = (await this.untilClosed(blocking.xread('COUNT', batch, 'BLOCK', blockMs, 'STREAMS', stream, this.cursor))) as
      | [string, [string, string[]][]][]
      | null;
    if (!reply) return;
    for (const [id, flat] of reply[0]![1]) {
      this.cursor = id;
      const event = eventOrSkip(id, flat, this.opts.log);
      if (event) this.dispatch(event);
    }
  }

  private untilClosed<T>(command: Promise<T>): Promise<T> {
    command.catch(() => {}); // still pending after close: its late failure is expected
    return Promise.race([command, this.closing]);
  }

  private dispatch(event: SluiceEvent): void {
    if (event.type === 'job.state_changed') {
      const set = this.byJob.get(event.jobId);
      if (set) for (const l of [...set]) safely(() => l.onEvent(event), this.opts.log);
    }
    for (const l of [...this.all]) safely(() => l.onEvent(event), this.opts.log);
  }
}

function safely(fn: () => void, log: Logger): void {
  try {
    fn();
  } catch (err) {
    log.error({ err }, 'event subscriber failed');
  }
}

