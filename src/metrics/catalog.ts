// Every Prometheus metric Sluice exports, in one place, on prom-client's default registry (one per
// process). Names follow Prometheus conventions: `sluice_` prefix, base units (`_seconds`),
// `_total` on counters, and bounded labels only: region, kind, state, queue, endpoint, operation,
// outcome, check — never a job id, application id or URL path with ids in it.
// The API serves the job, queue and webhook metrics; each region worker its own region's
// ResourceManager, preflight, intake and tracker metrics; a scrape of every process sees all.

import { Counter, Gauge, Histogram } from 'prom-client';

// 202 → application ACCEPTED by YARN: seconds (queueing, preflight, staging, the RM's answer).
const SUBMIT_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];
// A job's whole life: from seconds to a day.
const DURATION_BUCKETS = [1, 5, 15, 30, 60, 300, 900, 1800, 3600, 7200, 21600, 86400];
// One HTTP call or one check: milliseconds to the client's timeouts.
const CALL_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const jobsAccepted = new Counter({
  name: 'sluice_jobs_accepted_total',
  help: 'Jobs the API accepted (202), per region and kind; rollout is the mode they came in under (shadow jobs never run)',
  labelNames: ['region', 'kind', 'rollout'] as const,
});

export const jobsFinished = new Counter({
  name: 'sluice_jobs_finished_total',
  help: 'Jobs that reached a terminal state, per region, kind and state (SUCCEEDED, FAILED, KILLED, SHADOWED)',
  labelNames: ['region', 'kind', 'state'] as const,
});

export const submitToAccepted = new Histogram({
  name: 'sluice_job_submit_to_accepted_seconds',
  help: 'From the 202 to the application accepted by YARN',
  labelNames: ['region', 'kind'] as const,
  buckets: SUBMIT_BUCKETS,
});

export const jobDuration = new Histogram({
  name: 'sluice_job_duration_seconds',
  help: "A job's whole life, from the 202 to its terminal state",
  labelNames: ['region', 'kind', 'state'] as const,
  buckets: DURATION_BUCKETS,
});

export type QueueDepthGauge = Gauge<'region' | 'queue' | 'status'>;
/** What fills sluice_queue_jobs at each scrape (queue-depth.ts adds the API's queues). */
export const queueDepthSources = new Set<(gauge: QueueDepthGauge) => Promise<void>>();

export const queueJobs: QueueDepthGauge = new Gauge({
  name: 'sluice_queue_jobs',
  help: 'BullMQ jobs per region, queue (submit, control, webhooks) and status (waiting, active, delayed, failed), read at scrape time',
  labelNames: ['region', 'queue', 'status'] as const,
  async collect() {
    // Read afresh each scrape; a queue that could not be read is left out, not shown stale.
    this.reset();
    await Promise.all([...queueDepthSources].map((fill) => fill(this)));
  },
});

export const rmRequests = new Counter({
  name: 'sluice_rm_requests_total',
  help: 'ResourceManager REST calls per region, endpoint (RM base URL), operation and outcome',
  labelNames: ['region', 'endpoint', 'operation', 'outcome'] as const,
});

export const rmRequestDuration = new Histogram({
  name: 'sluice_rm_request_duration_seconds',
  help: 'ResourceManager REST call latency per region, endpoint and operation',
  labelNames: ['region', 'endpoint', 'operation'] as const,
  buckets: CALL_BUCKETS,
});

export const preflightUp = new Gauge({
  name: 'sluice_preflight_check_up',
  help: "A region's preflight check: 1 passing, 0 failing (last run)",
  labelNames: ['region', 'check'] as const,
});

export const preflightLatency = new Gauge({
  name: 'sluice_preflight_check_latency_seconds',
  help: "A region's preflight check: how long its last run took",
  labelNames: ['region', 'check'] as const,
});

export const intakeOpen = new Gauge({
  name: 'sluice_region_intake_open',
  help: "1 while a region's worker takes new jobs, 0 while its intake is paused (a preflight check failing)",
  labelNames: ['region'] as const,
});

export const trackerTick = new Histogram({
  name: 'sluice_tracker_tick_duration_seconds',
  help: "One tracker tick: the region's batched application poll and the transitions it causes",
  labelNames: ['region'] as const,
  buckets: CALL_BUCKETS,
});

export const trackedApplications = new Gauge({
  name: 'sluice_tracker_applications',
  help: 'Applications the region tracker follows',
  labelNames: ['region'] as const,
});

export const orphansKilled = new Counter({
  name: 'sluice_reconciler_orphans_killed_total',
  help: 'Stray Sluice-tagged applications the reconciler killed (their job ended or unknown)',
  labelNames: ['region'] as const,
});

export const webhookDeliveries = new Counter({
  name: 'sluice_webhook_deliveries_total',
  help: 'Webhook delivery attempts per outcome: delivered, retrying, failed (given up), dropped (subscription gone or disabled), refused (SSRF guard)',
  labelNames: ['outcome'] as const,
});

export const webhookDeliveryDuration = new Histogram({
  name: 'sluice_webhook_delivery_duration_seconds',
  help: 'One webhook delivery attempt, request to answer (or timeout)',
  labelNames: ['outcome'] as const,
  buckets: CALL_BUCKETS,
});

export const webhookSubscriptionsDisabled = new Counter({
  name: 'sluice_webhook_subscriptions_disabled_total',
  help: 'Webhook subscriptions disabled after too many consecutive failed attempts',
});
