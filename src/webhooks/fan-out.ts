// Reads the global events stream through the consumer group `webhooks` (several API processes
// share it, each a consumer of its own name) and queues one delivery per (event, enabled matching
// subscription), then XACKs. The queue entry's id is made of both, so an event read twice (its
// consumer died before the XACK; another claims it after CLAIM_IDLE_MS) is queued once while the
// first entry is kept (removeOnComplete: an hour); after that a re-read queues it again, and the
// receiver gets the message twice with the same webhook-id (receivers de-duplicate by it).
// A group created now starts at the stream's end: no replay of old history.
//
// XREADGROUP BLOCK holds its connection: the fan-out has one of its own, which close() disconnects
// (never waiting on a dead Redis). An outage logs one line when it starts and one when it ends.
// close() also removes its consumer from the group when nothing is pending with it (best effort,
// bounded), so restarts don't pile up dead consumers.

import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { abortableDelay } from '../events/abortable-delay.ts';
import type { SluiceEvent } from '../events/event.ts';
import { eventOrSkip } from '../events/event-reader.ts';
import type { Job } from '../jobs/index.ts';
import { matchesFilter } from './filter.ts';
import { eventMessage } from './message.ts';
import { webhookIdFor } from './signer.ts';
import type { FanOutTarget, SubscriptionStore } from './subscription-store.ts';
import { deliveryJobId, deliveryJobOptions, type WebhookJobData } from './webhook-queue.ts';

export const WEBHOOKS_GROUP = 'webhooks';
/** An entry pending this long with its consumer is taken over (that consumer is taken for dead). */
export const CLAIM_IDLE_MS = 60_000;
const CLAIM_EVERY_MS = 15_000;
const RETRY_AFTER_ERROR_MS = 1000;
/** close(): how long the loop may take to stop, then how long removing the consumer may take. */
const CLOSE_WAIT_MS = 1000;
const FORGET_CONSUMER_WAIT_MS = 500;

// KEYS: the stream. ARGV: group, consumer. Deletes the consumer unless entries are pending with it
// (DELCONSUMER would drop them: no one could claim them then). 1: deleted, 0: none such, -1: kept.
const FORGET_CONSUMER = `
local pending = redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 1, ARGV[2])
if #pending > 0 then return -1 end
return redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2]) > 0 and 1 or 0
`;

export interface FanOutOptions {
  /** The fan-out's own connection (XREADGROUP BLOCK holds it); close() disconnects it. */
  blocking: Redis;
  /** A shared command connection: XACK, XAUTOCLAIM, the subscriptions, the jobs. */
  redis: Redis;
  stream: string;
  consumer: string;
  subscriptions: SubscriptionStore;
  jobView: (jobId: string) => Promise<Job | null>;
  queue: Queue<WebhookJobData>;
  log: Logger;
  blockMs?: number;
  batch?: number;
  claimIdleMs?: number;
}

type Entry = [id: string, flat: string[] | null];

export class WebhookFanOut {
  private closed = false;
  private readonly wake = new AbortController();
  private readonly closing: Promise<never>;
  private done: Promise<void> | null = null;
  private groupReady = false;

  constructor(private readonly opts: FanOutOptions) {
    this.closing = new Promise<never>((_, reject) => {
      this.wake.signal.addEventListener('abort', () => reject(new Error('webhook fan-out closed')));
    });
    this.closing.catch(() => {});
  }

  start(): void {
    this.done ??= this.loop();
  }

  /**
   * Stops reading, then removes this consumer from the group if nothing is pending with it. Never
   * waits on Redis (it may be down) beyond CLOSE_WAIT_MS + FORGET_CONSUMER_WAIT_MS.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wake.abort();
    this.opts.blocking.disconnect();
    if (this.done) await within(this.done, CLOSE_WAIT_MS);
    await within(this.forgetConsumer(), FORGET_CONSUMER_WAIT_MS);
  }

  private async forgetConsumer(): Promise<void> {
    const { redis, stream, consumer, log } = this.opts;
    if (!this.groupReady || redis.status !== 'ready') return;
    try {
      const done = await redis.eval(FORGET_CONSUMER, 1, stream, WEBHOOKS_GROUP, consumer);
      if (done === -1) log.info({ consumer }, 'webhook fan-out: events still pending with this consumer; left for another to claim');
    } catch (err) {
      log.debug({ err }, 'webhook fan-out: could not remove its consumer from the group');
    }
  }

  private async loop(): Promise<void> {
    let nextClaim = 0;
    let failingSince = 0;
    let lastLogged = '';
    while (!this.closed) {
      try {
        if (!this.groupReady) await this.createGroup();
        if (Date.now() >= nextClaim) {
          // Set first: a claim that fails is tried again at the next round, not at every retry.
          nextClaim = Date.now() + CLAIM_EVERY_MS;
          await this.claimIdle();
        }
        await this.readOnce();
        if (failingSince) {
          this.opts.log.info({ downMs: Date.now() - failingSince }, 'webhook fan-out: reading again');
          failingSince = 0;
          lastLogged = '';
        }
      } catch (err) {
        if (this.closed) return;
        const message = (err as Error).message;
        if (/NOGROUP/.test(message)) this.groupReady = false;
        // One line when failing starts (and when the error changes), not one per retry.
        failingSince ||= Date.now();
        if (message !== lastLogged) this.opts.log.warn({ err }, 'webhook fan-out failed; retrying every second until it reads again');
        lastLogged = message;
        await abortableDelay(RETRY_AFTER_ERROR_MS, this.wake.signal);
      }
    }
  }

  private async createGroup(): Promise<void> {
    try {
      await this.untilClosed(this.opts.redis.xgroup('CREATE', this.opts.stream, WEBHOOKS_GROUP, '$', 'MKSTREAM'));
    } catch (err) {
      if (!/BUSYGROUP/.test((err as Error).message)) throw err;
    }
    this.groupReady = true;
  }

  /** Entries another consumer read but never acknowledged (it died): taken over and handled. */
  private async claimIdle(): Promise<void> {
    const { redis, stream, consumer, batch = 100, claimIdleMs = CLAIM_IDLE_MS } = this.opts;
    let cursor = '0-0';
    do {
      const reply = await this.untilClosed(redis.xautoclaim(stream, WEBHOOKS_GROUP, consumer, claimIdleMs, cursor, 'COUNT', batch)) as [string, Entry[], string[]?];
      cursor = reply[0];
      const claimed = reply[1].filter((e) => e[1] !== null);
      if (claimed.length) this.opts.log.info({ entries: claimed.length }, 'webhook fan-out took over events a stopped consumer left');
      await this.handle(claimed);
      // Entries trimmed from the stream while pending: nothing to deliver, acknowledge them.
      const deleted = reply[2] ?? [];
      if (deleted.length) await this.untilClosed(redis.xack(stream, WEBHOOKS_GROUP, ...deleted));
    } while (cursor !== '0-0' && !this.closed);
  }

  private async readOnce(): Promise<void> {
    const { blocking, stream, consumer, blockMs = 5000, batch = 100 } = this.opts;
    const reply = await this.untilClosed(blocking.xreadgroup(
      'GROUP', WEBHOOKS_GROUP, consumer, 'COUNT', batch, 'BLOCK', blockMs, 'STREAMS', stream, '>',
    )) as [string, Entry[]][] | null;
    if (reply) await this.handle(reply[0]![1]);
  }

  /** Queues the deliveries of these entries, then acknowledges them. */
  private async handle(entries: Entry[]): Promise<void> {
    if (!entries.length) return;
    const targets = await this.untilClosed(this.opts.subscriptions.enabledTargets());
    const jobs: { name: string; data: WebhookJobData; opts: ReturnType<typeof deliveryJobOptions> }[] = [];
    for (const [id, flat] of entries) {
      if (!flat || !targets.length) continue;
      const event = eventOrSkip(id, flat, this.opts.log);
      if (event) jobs.push(...(await this.deliveriesOf(event, targets)));
    }
    if (jobs.length) await this.untilClosed(this.opts.queue.addBulk(jobs));
    await this.untilClosed(this.opts.redis.xack(this.opts.stream, WEBHOOKS_GROUP, ...entries.map((e) => e[0])));
  }

  private async deliveriesOf(event: SluiceEvent, targets: FanOutTarget[]) {
    const job = event.type === 'job.state_changed' ? await this.untilClosed(this.opts.jobView(event.jobId)) : null;
    const matching = targets.filter((t) => matchesFilter(t.filter, event, job?.labels ?? null));
    if (!matching.length) return [];
    const body = JSON.stringify(eventMessage(event, job));
    return matching.map((t) => {
      const jobId = deliveryJobId(t.id, event.id);
      return { name: event.type, data: { subscriptionId: t.id, webhookId: webhookIdFor(t.id, event.id), eventType: event.type, body }, opts: deliveryJobOptions(jobId) };
    });
  }

  /** Every wait on Redis races close(): ioredis may never fail a command queued for a reconnect. */
  private untilClosed<T>(command: Promise<T>): Promise<T> {
    command.catch(() => {});
    return Promise.race([command, this.closing]);
  }
}

/** Waits for `p` at most `ms`; never throws. */
async function within(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p.catch(() => {}), new Promise((r) => { timer = setTimeout(r, ms); })]);
  clearTimeout(timer);
}
