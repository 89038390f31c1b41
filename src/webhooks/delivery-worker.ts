// The `webhooks` queue's processor: one attempt per run. 2xx: delivered. Anything else (another
// status, a redirect, a timeout, a connection error, an address the SSRF guard refuses) is a failed
// attempt, retried with exponential backoff (the queue's custom strategy) while the next attempt
// still starts within the retry window from the first, then given up. Every attempt is logged on
// the subscription; failures in a row past disableAfterFailures disable it (and publish
// `webhook.subscription_disabled`). A delivery whose subscription is gone or disabled is dropped.

import { UnrecoverableError, type Job } from 'bullmq';
import type { Dispatcher } from 'undici';
import type { Logger } from 'pino';
import { webhookDeliveries, webhookDeliveryDuration, webhookSubscriptionsDisabled } from '../metrics/catalog.ts';
import { withinWindow, type BackoffSettings } from './backoff.ts';
import { postWebhook } from './post-webhook.ts';
import { signedHeaders } from './signer.ts';
import type { Cidr } from './ssrf-guard.ts';
import type { SubscriptionStore } from './subscription-store.ts';
import type { WebhookJobData } from './webhook-queue.ts';
import { attemptOutcome, type AttemptOutcome } from './webhook-schemas.ts';

export interface DeliverySettings extends BackoffSettings {
  timeoutMs: number;
  disableAfterFailures: number;
}

export interface DeliveryDeps {
  subscriptions: SubscriptionStore;
  dispatcher: Dispatcher;
  allowed: readonly Cidr[];
  settings: DeliverySettings;
  log: Logger;
  now?: () => number;
}

export type DeliveryResult = { outcome: 'delivered' | 'dropped' };

export function createDeliveryProcessor(deps: DeliveryDeps) {
  const now = deps.now ?? Date.now;
  // Every outcome exported from the start at 0, so rate() and increase() over it work from the first.
  for (const outcome of [...attemptOutcome.options, 'dropped']) webhookDeliveries.inc({ outcome }, 0);
  return async (job: Job<WebhookJobData>, _token?: string, signal?: AbortSignal): Promise<DeliveryResult> => {
    const data = job.data;
    const log = deps.log.child({ subscriptionId: data.subscriptionId, webhookId: data.webhookId });
    const target = await deps.subscriptions.target(data.subscriptionId);
    if (!target?.enabled) {
      webhookDeliveries.inc({ outcome: 'dropped' });
      log.debug({ reason: target ? 'disabled' : 'deleted' }, 'webhook delivery dropped');
      return { outcome: 'dropped' };
    }
    let firstAttemptAt = data.firstAttemptAt;
    if (firstAttemptAt === undefined) {
      firstAttemptAt = now();
      await job.updateData({ ...data, firstAttemptAt });
    }
    const attempt = job.attemptsMade + 1;
    const at = new Date(now());
    const result = await postWebhook({
      url: target.url, body: data.body, headers: signedHeaders(target.secret, data.webhookId, data.body, at),
      dispatcher: deps.dispatcher, allowed: deps.allowed, timeoutMs: deps.settings.timeoutMs, signal,
    });
    const retry = !result.ok && withinWindow(firstAttemptAt, now(), attempt, deps.settings);
    const outcome: AttemptOutcome = result.ok ? 'delivered' : result.refused ? 'refused' : retry ? 'retrying' : 'failed';
    const disableReason = `${deps.settings.disableAfterFailures} delivery attempts in a row failed; the last: ${result.error}`;
    const recorded = await deps.subscriptions.recordAttempt(data.subscriptionId, {
      at: at.toISOString(), webhookId: data.webhookId, eventType: data.eventType, attempt,
      status: result.status, error: result.error, latencyMs: result.latencyMs, outcome,
    }, {
      failed: !result.ok,
      disableAfter: deps.settings.disableAfterFailures,
      reason: disableReason,
    });
    // The attempt that disabled the subscription is its message's last: failed, not retrying.
    const final = recorded?.disabledNow && outcome === 'retrying' ? 'failed' : outcome;
    webhookDeliveries.inc({ outcome: final });
    webhookDeliveryDuration.observe({ outcome: final }, result.latencyMs / 1000);
    if (result.ok) {
      log.debug({ attempt, status: result.status, latencyMs: result.latencyMs }, 'webhook delivered');
      return { outcome: 'delivered' };
    }
    log.info({ attempt, outcome: final, status: result.status, error: result.error, latencyMs: result.latencyMs }, 'webhook delivery attempt failed');
    if (recorded?.disabledNow) {
      webhookSubscriptionsDisabled.inc();
      await deps.subscriptions.publishDisabled(target.id, target.url, disableReason, at);
      log.warn({ consecutiveFailures: recorded.consecutiveFailures }, 'webhook subscription disabled');
      throw new UnrecoverableError(`subscription disabled after ${recorded.consecutiveFailures} failed attempts in a row: ${result.error}`);
    }
    if (!recorded) throw new UnrecoverableError('the subscription was deleted');
    if (!retry) throw new UnrecoverableError(`given up: the retry window (${deps.settings.retryWindowSeconds} s) is over; last: ${result.error}`);
    throw new Error(result.error ?? 'delivery failed');
  };
}
