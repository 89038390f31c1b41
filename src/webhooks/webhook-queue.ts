// The `webhooks` BullMQ queue: one entry per (subscription, event), its jobId made of both, so an
// event read twice (a consumer that died before XACK) is not queued again while the first entry is
// still kept (a completed one for an hour: removeOnComplete). Later, it is: delivery is at least
// once, and receivers de-duplicate by webhook-id (the same for every copy and every retry).

import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';

export const WEBHOOKS_QUEUE = 'webhooks';
export const webhooksQueuePrefix = (ns: string) => `${ns}:{bull-webhooks}`;
/** The custom backoff strategy's name (delivery-worker.ts computes its delays). */
export const WEBHOOK_BACKOFF = 'webhook';

export interface WebhookJobData {
  subscriptionId: string;
  webhookId: string;
  eventType: string;
  /** The JSON body, as signed: kept as text so every retry sends the same bytes. */
  body: string;
  /** Set by the first attempt: the retry window counts from it. */
  firstAttemptAt?: number;
}

/** BullMQ job ids may not contain ":"; stream ids and ours don't. */
export const deliveryJobId = (subscriptionId: string, eventId: string) => `${subscriptionId}-${eventId}`;

export const deliveryJobOptions = (jobId: string): JobsOptions => ({
  jobId,
  // The retry window ends a delivery (delivery-worker.ts), not a count.
  attempts: 1_000_000,
  backoff: { type: WEBHOOK_BACKOFF },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
});

export function createWebhooksQueue(connection: Redis, ns: string): Queue<WebhookJobData> {
  return new Queue<WebhookJobData>(WEBHOOKS_QUEUE, { connection, prefix: webhooksQueuePrefix(ns) });
}
