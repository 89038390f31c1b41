// The shapes of webhook subscriptions as the API takes and returns them (zod: validation and
// /openapi.json), and the event types a subscription may filter on.

import { z } from 'zod';
import { JOB_STATES } from '../jobs/index.ts';

/** Event types a subscription may name; `webhook.test` is only ever sent by POST …/test. */
export const WEBHOOK_EVENT_TYPES = ['job.state_changed', 'region.health_changed', 'region.rollout_changed', 'webhook.subscription_disabled'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** `key:value`, the key and value as a job's labels take them. */
export const LABEL_FILTER = /^([a-z0-9][a-z0-9_.-]{0,62}):([\x21-\x7e]{1,63})$/;

// An empty list would read as "none" but match as "any": leave the field out for any.
const EMPTY = 'give at least one value, or leave the field out to match any';

export const webhookFilter = z.strictObject({
  types: z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1, EMPTY).max(16).optional().describe('event types (any of them); absent: every type'),
  regions: z.array(z.string().min(1)).min(1, EMPTY).max(64).optional().describe('regions (any of them); events without a region pass'),
  states: z.array(z.enum(JOB_STATES)).min(1, EMPTY).max(16).optional().describe('job.state_changed: the state changed to (any of them)'),
  labels: z.array(z.string().regex(LABEL_FILTER, 'must be key:value, e.g. team:search')).min(1, EMPTY).max(32).optional()
    .describe('"key:value"; values of one key: any of them; several keys: all of them'),
});
export type WebhookFilter = z.infer<typeof webhookFilter>;

export const attemptOutcome = z.enum(['delivered', 'retrying', 'failed', 'refused']);
export type AttemptOutcome = z.infer<typeof attemptOutcome>;

export const webhookAttempt = z.object({
  at: z.string(),
  webhookId: z.string(),
  eventType: z.string(),
  /** 1 for the first attempt of a message, then 2, 3, … */
  attempt: z.number(),
  status: z.number().nullable().describe('the HTTP status answered; null: no answer'),
  error: z.string().nullable(),
  latencyMs: z.number(),
  outcome: attemptOutcome,
});
export type WebhookAttempt = z.infer<typeof webhookAttempt>;

export const webhookSubscription = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string().nullable(),
  filter: webhookFilter,
  enabled: z.boolean(),
  disabledReason: z.string().nullable(),
  disabledAt: z.string().nullable(),
  consecutiveFailures: z.number(),
  failingSince: z.string().nullable().describe('when the current streak of failed attempts began (ISO time); null after a success'),
  createdAt: z.string(),
  createdBy: z.string(),
  lastAttempt: webhookAttempt.nullable(),
});
export type WebhookSubscription = z.infer<typeof webhookSubscription>;

export const webhookSubscriptionDetail = webhookSubscription.extend({
  attempts: z.array(webhookAttempt).describe('the last attempts, newest first'),
});
export type WebhookSubscriptionDetail = z.infer<typeof webhookSubscriptionDetail>;

export const createdWebhook = webhookSubscription.extend({
  secret: z.string().describe('whsec_…: the signing key; shown only in this answer'),
});
export type CreatedWebhook = z.infer<typeof createdWebhook>;
