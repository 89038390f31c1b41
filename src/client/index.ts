// The typed client of Sluice's HTTP API, exported by the package as `sluice/client`.

export { SluiceClient, isTerminalState, DEFAULT_RETRIES, DEFAULT_TIMEOUT_MS, type SluiceClientOptions, type CallOptions } from './sluice-client.ts';
export { SluiceApiError, SluiceConnectionError, type SluiceIssue, type ConnectionFailure } from './errors.ts';
export type {
  AdoptionQuery, AdoptionReport, Job, JobEvent, JobSnapshot, JobSpecInput, JobState, JobStateChanged, ListJobsQuery,
  RegionCheckResult, RegionHealthChanged, RegionRolloutChanged, RegionView, RolloutChange, RolloutChangeResult,
  RolloutDecision, RolloutDecisionQuery, RolloutHistoryEntry, RolloutView, SluiceEvent,
  CreatedWebhook, WebhookAttempt, WebhookFilter, WebhookInput, WebhookSubscription, WebhookSubscriptionDetail, WebhookSubscriptionDisabled,
} from './types.ts';
