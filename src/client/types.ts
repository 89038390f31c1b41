// The API's shapes as the client returns them. Each comes from the server's own schema or type
// (src/jobs, src/events/event.ts, src/rollout), imported as a type only, so the two cannot drift.

import type { z } from 'zod';
import type { JobStateChanged } from '../events/event.ts';
import type { Job, JobState, jobSpec } from '../jobs/index.ts';
import type { RolloutView } from '../rollout/rollout-views.ts';

export type { Job, JobState } from '../jobs/index.ts';
export type { JobStateChanged, RegionHealthChanged, RegionRolloutChanged, SluiceEvent, WebhookSubscriptionDisabled } from '../events/event.ts';
export type {
  AdoptionReport, RolloutChange, RolloutChangeResult, RolloutDecision, RolloutHistoryEntry, RolloutView,
} from '../rollout/rollout-views.ts';

/** A job spec as sent: fields with defaults may be left out. */
export type JobSpecInput = z.input<typeof jobSpec>;

/**
 * A finished job whose event stream has expired: one snapshot instead of its history, then the
 * end (src/api/routes/events.ts). It has no event id.
 */
export interface JobSnapshot {
  type: 'job.snapshot';
  jobId: string;
  region: string;
  state: JobState;
  at: string;
  job: Job;
}

/** What a job's event stream carries. */
export type JobEvent = JobStateChanged | JobSnapshot;

export interface RegionCheckResult {
  name: string;
  type: string;
  ok: boolean;
  code: string;
  message: string;
  latencyMs: number;
  at: string;
  [more: string]: unknown;
}

/**
 * One region of GET /v1/regions. Written out here because its schema lives with the route
 * (src/api/routes/regions.ts), which the client may not import; the integration test compares
 * it with a live answer.
 */
export interface RegionView {
  name: string;
  rollout: RolloutView;
  health: {
    status: 'unknown' | 'ok' | 'degraded';
    /** open: the worker takes jobs; paused: a critical check fails; unknown: no worker reported. */
    intake: 'open' | 'paused' | 'unknown';
    checks: RegionCheckResult[];
    tracking: { ok: boolean; message: string | null; at: string } | null;
    /** The queue names the region's RM takes submissions for, as its worker last read them; null: not said (yet), or the scheduler can't say. */
    queues: { names: string[]; at: string } | null;
    at: string | null;
  };
  queue: { waiting: number; active: number; delayed: number; failed: number; completed: number };
  trackedApplications: number;
}

export interface ListJobsQuery {
  region?: string;
  state?: JobState;
  /** `key:value` */
  label?: string;
  limit?: number;
  cursor?: string;
}

export interface RolloutDecisionQuery {
  team?: string;
  dag?: string;
  task?: string;
  rolloutKey?: string;
}

export interface AdoptionQuery {
  by: 'region' | 'team' | 'dag';
  /** First UTC day counted, YYYY-MM-DD. */
  since?: string;
  region?: string;
}

/**
 * A webhook subscription's filter: every dimension given must match, any value within one. Written
 * out here because its schema lives with the server (src/webhooks), which the client may not import.
 */
export interface WebhookFilter {
  types?: ('job.state_changed' | 'region.health_changed' | 'region.rollout_changed' | 'webhook.subscription_disabled')[];
  regions?: string[];
  states?: JobState[];
  /** `key:value`; values of one key: any; several keys: all. */
  labels?: string[];
}

export interface WebhookAttempt {
  at: string;
  webhookId: string;
  eventType: string;
  attempt: number;
  status: number | null;
  error: string | null;
  latencyMs: number;
  outcome: 'delivered' | 'retrying' | 'failed' | 'refused';
}

export interface WebhookSubscription {
  id: string;
  url: string;
  description: string | null;
  filter: WebhookFilter;
  enabled: boolean;
  disabledReason: string | null;
  disabledAt: string | null;
  consecutiveFailures: number;
  /** When the current streak of failed attempts began; null when the last attempt was delivered. */
  failingSince: string | null;
  createdAt: string;
  createdBy: string;
  lastAttempt: WebhookAttempt | null;
}

export interface WebhookSubscriptionDetail extends WebhookSubscription {
  /** The last attempts, newest first. */
  attempts: WebhookAttempt[];
}

/** What createWebhook answers: the only time the secret is shown. */
export interface CreatedWebhook extends WebhookSubscription {
  secret: string;
}

export interface WebhookInput {
  url: string;
  description?: string;
  filter?: WebhookFilter;
}
