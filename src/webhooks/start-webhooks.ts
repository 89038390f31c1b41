// The webhook runtime of an API process: the fan-out (events → the `webhooks` queue) and the
// delivery worker. Started by `sluice serve` and `sluice dev` when webhooks.enabled, and by the
// test Stack on request.
//
// close() returns within 2.2 s whatever Redis does: the fan-out and the worker stop side
// by side. The worker takes no new job; deliveries in flight are aborted (not recorded, not counted
// toward disabling: their jobs go back to the queue and are sent again later, same webhook-id).
// While Redis answers, the worker's close waits for that (each ends at once); while it doesn't,
// the worker is force-closed (a job left active is put back by BullMQ's stalled check once its lock
// expires). BullMQ is given connection options, not a connection: it creates both of its
// connections (commands, blocking fetch) and owns them, so its close ends them; disconnect() does
// if a close was left waiting.

import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Worker, type ConnectionOptions, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { SluiceConfig } from '../config/config.ts';
import type { Job } from '../jobs/index.ts';
import { connectRedis, watchQueueErrors } from '../redis/index.ts';
import { withDeadline } from '../runtime/with-deadline.ts';
import { keysFor } from '../store/keys.ts';
import { backoffDelay } from './backoff.ts';
import { createDeliveryProcessor } from './delivery-worker.ts';
import { WebhookFanOut } from './fan-out.ts';
import { webhookAgent } from './post-webhook.ts';
import { parseAllowedNetworks } from './ssrf-guard.ts';
import type { SubscriptionStore } from './subscription-store.ts';
import { WEBHOOKS_QUEUE, webhooksQueuePrefix, type WebhookJobData } from './webhook-queue.ts';

export interface WebhooksRuntimeDeps {
  /** The API's shared command connection (its status tells whether Redis answers). */
  redis: Redis;
  /** The public view of a job, for the messages of its events. */
  jobView: (jobId: string) => Promise<Job | null>;
  webhooks: { subscriptions: SubscriptionStore; queue: Queue<WebhookJobData> };
}

export interface WebhooksRuntime {
  close(): Promise<void>;
}

// close() takes at most max(FAN_OUT_CLOSE_MS, WORKER_CLOSE_MS) + 2 × DISCONNECT_MS = 2.2 s.
/** The fan-out's close (stop reading, remove its consumer): bounded inside to 1.5 s. */
const FAN_OUT_CLOSE_MS = 1600;
/** The worker's close while Redis answers: aborted deliveries put their jobs back, completed ones are recorded… */
const WORKER_CLOSE_MS = 1500;
/** …and while it doesn't: a force close, which waits for nothing. */
const WORKER_CLOSE_REDIS_DOWN_MS = 300;
const DISCONNECT_MS = 300;
/** Same as connectRedis's background connections: reconnect quickly, at most 1 s apart. */
const retryStrategy = (attempt: number) => Math.min(50 * attempt, 1000);

export function startWebhooks(deps: WebhooksRuntimeDeps, config: SluiceConfig, log: Logger): WebhooksRuntime {
  const w = config.webhooks;
  const allowed = parseAllowedNetworks(w.allowedNetworks);
  const keys = keysFor(config.redis.namespace);
  const consumer = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const blocking = connectRedis(config.redis.url, { name: 'webhooks-fan-out', role: 'background', log, options: { lazyConnect: true } });
  const fanOut = new WebhookFanOut({
    blocking, redis: deps.redis, stream: keys.events, consumer,
    subscriptions: deps.webhooks.subscriptions, jobView: deps.jobView, queue: deps.webhooks.queue,
    log: log.child({ module: 'webhooks-fan-out' }),
  });
  const agent = webhookAgent(allowed, w.timeoutMs);
  const stopping = new AbortController();
  const connection: ConnectionOptions = {
    url: config.redis.url, connectionName: 'sluice:webhooks-worker', maxRetriesPerRequest: null, connectTimeout: 5000, retryStrategy,
  };
  const worker = new Worker<WebhookJobData>(WEBHOOKS_QUEUE, createDeliveryProcessor({
    subscriptions: deps.webhooks.subscriptions, dispatcher: agent, allowed, settings: w, stopping: stopping.signal, log: log.child({ module: 'webhooks' }),
  }), {
    connection,
    prefix: webhooksQueuePrefix(keys.ns),
    concurrency: w.concurrency,
    settings: { backoffStrategy: (attemptsMade: number) => backoffDelay(attemptsMade, w) },
    lockDuration: Math.max(30_000, w.timeoutMs * 3),
    // A stop with Redis down leaves its deliveries' jobs active until the stalled check puts them
    // back; a few stops like that in a row must not fail a message (the default allows one).
    maxStalledCount: 10,
    // After a connection error its loop waits this long: a close while Redis is down ends sooner.
    runRetryDelay: 1000,
  });
  // BullMQ's connections are its own: outages are told by the worker's errors, their end by the
  // API connection's 'ready' (the same Redis).
  watchQueueErrors(worker, 'webhooks worker', deps.redis, log);
  fanOut.start();
  log.info({ consumer, concurrency: w.concurrency, allowedNetworks: w.allowedNetworks }, 'webhooks started');

  let closing: Promise<void> | null = null;
  return {
    close: () => closing ??= (async () => {
      const redisUp = deps.redis.status === 'ready';
      // close() first: from here the worker fetches no new job; then the deliveries in flight stop.
      const workerClosed = worker.close(!redisUp);
      workerClosed.catch(() => {});
      stopping.abort();
      const [fanOutOutcome, workerOutcome] = await Promise.all([
        withDeadline(() => fanOut.close(), FAN_OUT_CLOSE_MS),
        withDeadline(() => workerClosed, redisUp ? WORKER_CLOSE_MS : WORKER_CLOSE_REDIS_DOWN_MS),
      ]);
      for (const [step, outcome] of [['fan-out', fanOutOutcome], ['delivery worker', workerOutcome]] as const) {
        if (outcome !== 'ok') log.warn({ step, ...(outcome === 'late' ? {} : { err: outcome }) }, 'webhooks: close step did not finish in time');
      }
      // A close left waiting (Redis went away meanwhile) must not leave BullMQ's connections reconnecting.
      if (workerOutcome !== 'ok') await withDeadline(() => worker.disconnect(), DISCONNECT_MS);
      await withDeadline(() => agent.destroy(), DISCONNECT_MS);
      blocking.disconnect();
    })(),
  };
}
