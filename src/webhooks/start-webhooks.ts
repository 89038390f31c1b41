// The webhook runtime of an API process: the fan-out (events → the `webhooks` queue) and the
// delivery worker. Started by `sluice serve` and `sluice dev` when webhooks.enabled, and by the
// test Stack on request. close() stops the fan-out (disconnecting its blocking connection), then
// the worker within a deadline; a dead Redis never holds it up.

import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Worker, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { SluiceConfig } from '../config/config.ts';
import type { Job } from '../jobs/index.ts';
import { closeRedis, connectRedis, watchQueueErrors } from '../redis/index.ts';
import { withDeadline } from '../runtime/with-deadline.ts';
import { keysFor } from '../store/keys.ts';
import { backoffDelay } from './backoff.ts';
import { createDeliveryProcessor } from './delivery-worker.ts';
import { WebhookFanOut } from './fan-out.ts';
import { webhookAgent } from './post-webhook.ts';
import { parseAllowedNetworks } from './ssrf-guard.ts';
import type { SubscriptionStore } from './subscription-store.ts';
import { WEBHOOK_BACKOFF, WEBHOOKS_QUEUE, webhooksQueuePrefix, type WebhookJobData } from './webhook-queue.ts';

export interface WebhooksRuntimeDeps {
  /** The API's shared command connection. */
  redis: Redis;
  /** The public view of a job, for the messages of its events. */
  jobView: (jobId: string) => Promise<Job | null>;
  webhooks: { subscriptions: SubscriptionStore; queue: Queue<WebhookJobData> };
}

export interface WebhooksRuntime {
  close(): Promise<void>;
}

/** The worker's close while Redis answers (deliveries in flight finish, each within timeoutMs)… */
const WORKER_CLOSE_MS = 5000;
/** …and while it doesn't: it could only wait for a reconnect. */
const WORKER_CLOSE_REDIS_DOWN_MS = 300;

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
  const connection = connectRedis(config.redis.url, { name: 'webhooks-worker', role: 'background', log });
  // BullMQ blocks on a duplicate of the connection it is given; kept here, so a close that
  // times out while Redis is down can drop it too (it would reconnect forever otherwise).
  const duplicates: Redis[] = [];
  const duplicate = connection.duplicate.bind(connection);
  connection.duplicate = ((...args: Parameters<Redis['duplicate']>) => {
    const copy = duplicate(...args);
    duplicates.push(copy);
    return copy;
  }) as Redis['duplicate'];
  const worker = new Worker<WebhookJobData>(WEBHOOKS_QUEUE, createDeliveryProcessor({
    subscriptions: deps.webhooks.subscriptions, dispatcher: agent, allowed, settings: w, log: log.child({ module: 'webhooks' }),
  }), {
    connection,
    prefix: webhooksQueuePrefix(keys.ns),
    concurrency: w.concurrency,
    settings: { backoffStrategy: (attemptsMade: number) => backoffDelay(attemptsMade, w) },
    lockDuration: Math.max(30_000, w.timeoutMs * 3),
    // After a connection error its loop waits this long: a close while Redis is down ends sooner.
    runRetryDelay: 1000,
  });
  watchQueueErrors(worker, 'webhooks worker', connection, log);
  fanOut.start();
  log.info({ consumer, concurrency: w.concurrency, allowedNetworks: w.allowedNetworks }, 'webhooks started');

  let closing: Promise<void> | null = null;
  return {
    close: () => closing ??= (async () => {
      const steps: [string, () => Promise<unknown>, number][] = [
        ['fan-out', () => fanOut.close(), 3000],
        // With Redis down, in-flight deliveries could not be recorded anyway: don't wait for them.
        ['delivery worker', () => worker.close(connection.status !== 'ready'), connection.status === 'ready' ? WORKER_CLOSE_MS : WORKER_CLOSE_REDIS_DOWN_MS],
      ];
      for (const [name, step, ms] of steps) {
        const outcome = await withDeadline(step, ms);
        if (outcome !== 'ok') log.warn({ step: name, ...(outcome === 'late' ? { deadlineMs: ms } : { err: outcome }) }, 'webhooks: close step did not finish');
      }
      // The worker's blocking duplicate too: a close left waiting on a reconnect must not keep it.
      await withDeadline(() => worker.disconnect(), 300);
      for (const copy of duplicates) copy.disconnect();
      await Promise.allSettled([agent.destroy(), closeRedis(connection, 500)]);
      blocking.disconnect();
    })(),
  };
}
