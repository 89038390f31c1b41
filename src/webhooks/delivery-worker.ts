// The `webhooks` queue's processor: one attempt per run. 2xx: delivered. Anything else (another
// status, a redirect, a timeout, a connection error, an address the SSRF guard refuses) is a failed
// attempt, retried with exponential backoff (the queue's custom strategy) while the next attempt
// still starts within the retry window from the first, then given up. Every attempt is logged on
// the subscription. A subscription is disabled (and `webhook.subscription_disabled` published) once
// its attempts have failed disableAfterFailures times in a row AND for disableAfterSeconds since
// the streak's first failure: a burst of failures during a short outage never disables it. A
// delivery whose subscription is gone or disabled is dropped.
//
// An attempt cut short by `stopping` (the runtime's close) is no attempt: it is neither logged
// nor counted toward disabling, and its job goes back to the queue unchanged (moved to delayed
// with no attempt counted; if Redis can't take that, the job's lock expires and BullMQ's stalled
// check puts it back). Nothing is lost; the receiver may get the message again (same webhook-id).

import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Dispatcher } from 'undici';
import type { Logger } from 'pino';
import { abortableDelay } from '../events/abortable-delay.ts';
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
  disableAfterSeconds: number;
}

export interface DeliveryDeps {
  subscriptions: SubscriptionStore;
  dispatcher: Dispatcher;
  allowed: readonly Cidr[];
  settings: DeliverySettings;
  log: Logger;
  /** Aborted by the runtime's close(): attempts in flight stop and their jobs go back, unrecorded. */
  stopping?: AbortSignal;
  now?: () => number;
  /** The delays between tries of publishing `webhook.subscription_disabled` (its first try is at once). */
  publishRetryDelaysMs?: readonly number[];
}

export type DeliveryResult = { outcome: 'delivered' | 'dropped' };

/** A Redis blip must not lose the disabled event: the subscription is disabled either way. */
const PUBLISH_RETRY_DELAYS_MS = [100, 300, 900];
/** How long putting a stopped attempt's job back may take (Redis may be down: the lock expiry does it then). */
const PUT_BACK_MS = 500;

export function createDeliveryProcessor(deps: DeliveryDeps) {
  const now = deps.now ?? Date.now;
  const never = new AbortController().signal;
  const stopping = deps.stopping ?? never;
  // Every outcome exported from the start at 0, so rate() and increase() over it work from the first.
  for (const outcome of [...attemptOutcome.options, 'dropped']) webhookDeliveries.inc({ outcome }, 0);
  return async (job: Job<WebhookJobData>, token?: string, signal?: AbortSignal): Promise<DeliveryResult> => {
    const data = job.data;
    const log = deps.log.child({ subscriptionId: data.subscriptionId, webhookId: data.webhookId });
    if (stopping.aborted) return putBack(job, token, log);
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
    // One controller per attempt, its listeners removed after: the long-lived signals keep none.
    const cut = new AbortController();
    const abort = () => cut.abort();
    stopping.addEventListener('abort', abort);
    signal?.addEventListener('abort', abort);
    if (stopping.aborted || signal?.aborted) cut.abort();
    let result;
    try {
      result = await postWebhook({
        url: target.url, body: data.body, headers: signedHeaders(target.secret, data.webhookId, data.body, at),
        dispatcher: deps.dispatcher, allowed: deps.allowed, timeoutMs: deps.settings.timeoutMs, signal: cut.signal,
      });
    } finally {
      stopping.removeEventListener('abort', abort);
      signal?.removeEventListener('abort', abort);
    }
    if (result.aborted) return putBack(job, token, log);
    const retry = !result.ok && withinWindow(firstAttemptAt, now(), attempt, deps.settings);
    const outcome: AttemptOutcome = result.ok ? 'delivered' : result.refused ? 'refused' : retry ? 'retrying' : 'failed';
    const recorded = await deps.subscriptions.recordAttempt(data.subscriptionId, {
      at: at.toISOString(), webhookId: data.webhookId, eventType: data.eventType, attempt,
      status: result.status, error: result.error, latencyMs: result.latencyMs, outcome,
    }, {
      failed: !result.ok,
      disableAfter: deps.settings.disableAfterFailures,
      disableAfterSeconds: deps.settings.disableAfterSeconds,
      reason: `{n} delivery attempts in a row failed, since {since}; the last: ${result.error}`,
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
      const reason = recorded.reason ?? `${recorded.consecutiveFailures} delivery attempts in a row failed`;
      log.warn({ consecutiveFailures: recorded.consecutiveFailures }, 'webhook subscription disabled');
      // Its retry would find the subscription disabled and drop the message: publish here, or never.
      await publishDisabled(deps, stopping, log, target.id, target.url, reason, at);
      throw new UnrecoverableError(`subscription disabled: ${reason}`);
    }
    if (!recorded) throw new UnrecoverableError('the subscription was deleted');
    if (!retry) throw new UnrecoverableError(`given up: the retry window (${deps.settings.retryWindowSeconds} s) is over; last: ${result.error}`);
    throw new Error(result.error ?? 'delivery failed');
  };
}

/** `webhook.subscription_disabled`, tried a few times; a last failure is logged, never thrown. */
async function publishDisabled(deps: DeliveryDeps, stopping: AbortSignal, log: Logger, id: string, url: string, reason: string, at: Date): Promise<void> {
  const delays = deps.publishRetryDelaysMs ?? PUBLISH_RETRY_DELAYS_MS;
  for (let i = 0; ; i++) {
    try {
      await deps.subscriptions.publishDisabled(id, url, reason, at);
      return;
    } catch (err) {
      if (i >= delays.length || stopping.aborted) {
        log.error({ err, tries: i + 1 }, 'webhook subscription disabled, but its webhook.subscription_disabled event could not be published');
        return;
      }
      await abortableDelay(delays[i]!, stopping);
    }
  }
}

/** Not an attempt: the job goes back to the queue with no attempt counted (DelayedError tells BullMQ). */
async function putBack(job: Job<WebhookJobData>, token: string | undefined, log: Logger): Promise<never> {
  let timer: NodeJS.Timeout | undefined;
  try {
    if (token) {
      const moved = job.moveToDelayed(Date.now(), token);
      moved.catch(() => {});
      await Promise.race([moved, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`not put back within ${PUT_BACK_MS} ms`)), PUT_BACK_MS); })]);
    }
    log.debug('webhook delivery stopped by close; put back');
  } catch (err) {
    log.debug({ err }, 'webhook delivery stopped by close; its lock expiry will put it back');
  } finally {
    clearTimeout(timer);
  }
  throw new DelayedError('stopped by close: put back, not an attempt');
}
