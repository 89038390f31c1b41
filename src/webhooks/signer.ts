// Standard Webhooks headers (https://www.standardwebhooks.com): webhook-id, stable across a
// message's retries; webhook-timestamp, this attempt's; webhook-signature, "v1,<base64 HMAC-SHA256>"
// of "<id>.<timestamp>.<body>" with the subscription's secret, made by the reference library.

import { Webhook } from 'standardwebhooks';
import { PACKAGE_VERSION } from '../package-root.ts';

export const USER_AGENT = `Sluice-Webhooks/${PACKAGE_VERSION}`;

/** The message id of an event for a subscription: the same on every retry, and on a re-read. */
export function webhookIdFor(subscriptionId: string, eventId: string): string {
  return `msg_${subscriptionId}_${eventId}`;
}

export function signedHeaders(secret: string, webhookId: string, body: string, now: Date): Record<string, string> {
  const signature = new Webhook(secret).sign(webhookId, now, body);
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': signature,
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
  };
}
