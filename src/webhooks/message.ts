// The Standard Webhooks body of a message: {type, timestamp, data}. For an event, `data` holds the
// event and, for a job's event, the job as GET /v1/jobs/{id} showed it when the event was fanned out.

import type { SluiceEvent } from '../events/event.ts';
import type { Job } from '../jobs/index.ts';

export interface WebhookMessage {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

export function eventMessage(event: SluiceEvent, job: Job | null): WebhookMessage {
  return { type: event.type, timestamp: event.at, data: { event, job } };
}

export function testMessage(subscriptionId: string, by: string, now: Date): WebhookMessage {
  return {
    type: 'webhook.test',
    timestamp: now.toISOString(),
    data: { subscriptionId, by, message: 'a test message from Sluice: a 2xx answer marks it delivered' },
  };
}
