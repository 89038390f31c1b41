// The port Sluice uses to talk to a region's YARN ResourceManager(s). Only src/yarn speaks YARN's
// wire format; everything else sees these types. The production implementation is
// ResourceManagerClient (resource-manager-client.ts); tests use the same class against the
// in-repo emulator or a real RM.

import type { LeafQueues } from './scheduler-queues.ts';

export type { LeafQueues } from './scheduler-queues.ts';

/** YARN's application states, as the RM reports them. */
export type YarnAppState =
  | 'NEW' | 'NEW_SAVING' | 'SUBMITTED' | 'ACCEPTED' | 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED';

/** States in which an application still runs (or will): what a kill or a reconciliation pass looks for. */
export const LIVE_APP_STATES: readonly YarnAppState[] = ['NEW', 'NEW_SAVING', 'SUBMITTED', 'ACCEPTED', 'RUNNING'];
/** States an application never leaves. */
export const FINISHED_APP_STATES: readonly YarnAppState[] = ['FINISHED', 'FAILED', 'KILLED'];

/** YARN's final statuses. */
export type YarnFinalStatus = 'UNDEFINED' | 'SUCCEEDED' | 'FAILED' | 'KILLED' | 'ENDED';

export interface YarnApplication {
  id: string;
  name: string;
  user: string;
  queue: string;
  state: YarnAppState;
  finalStatus: YarnFinalStatus;
  diagnostics: string;
  trackingUrl: string | null;
  startedTime: number;
  finishedTime: number;
  /** Lowercased by the RM; [] when none. */
  tags: string[];
  /** SLUICE for a job's own (Distributed Shell) application; e.g. MAPREDUCE for what a hadoop-jar job starts. */
  applicationType: string;
  amContainerLogs: string | null;
}

export interface NewApplication {
  applicationId: string;
  maximumResource: { memoryMb: number; vcores: number };
}

export interface LocalResource {
  /** URL of the file, e.g. file:///path or hdfs:///path */
  resource: string;
  type: 'FILE' | 'ARCHIVE' | 'PATTERN';
  visibility: 'PUBLIC' | 'PRIVATE' | 'APPLICATION';
  size: number;
  /** Modification time in ms; must match the file or localization fails. */
  timestamp: number;
}

/** What Sluice submits; the client turns it into YARN's ApplicationSubmissionContext JSON. */
export interface ApplicationSubmission {
  applicationId: string;
  name: string;
  type: string;
  queue: string;
  maxAppAttempts: number;
  tags: string[];
  /** The AM container's resources. */
  amResource: { memoryMb: number; vcores: number };
  localResources: Record<string, LocalResource>;
  environment: Record<string, string>;
  command: string;
}

export interface ListApplicationsQuery {
  /** Matches applications carrying ANY of these tags. */
  tags?: string[];
  states?: YarnAppState[];
  finishedTimeBegin?: number;
  limit?: number;
}

export interface ClusterInfo {
  clusterId: number;
  haState: string;
  resourceManagerVersion: string;
  startedOn: number;
}

/**
 * Result of asking the RM to kill: pending (202, ask again) or done (200) with the RM's internal
 * state name, which may be FINISHING/FINAL_SAVING for an app that ended on its own meanwhile.
 */
export type KillResult = { done: false } | { done: true; state: string };

export interface KillOptions {
  signal?: AbortSignal;
  pollMs?: number;
  /** Give up (YarnError KILL_TIMEOUT) after this long; default 60 s. */
  deadlineMs?: number;
}

export interface ResourceManager {
  newApplication(signal?: AbortSignal): Promise<NewApplication>;
  /** 202 from the RM. Submitting the same id again is a no-op (YARN answers 202 again). */
  submitApplication(submission: ApplicationSubmission, signal?: AbortSignal): Promise<void>;
  /** Throws YarnError code APP_NOT_FOUND for an unknown id. */
  getApplication(id: string, signal?: AbortSignal): Promise<YarnApplication>;
  listApplications(query: ListApplicationsQuery, signal?: AbortSignal): Promise<YarnApplication[]>;
  /** One PUT .../state {"state":"KILLED"}. */
  requestKill(id: string, diagnostics: string, signal?: AbortSignal): Promise<KillResult>;
  /** requestKill repeated until the RM answers 200, the signal aborts, or deadlineMs passes (KILL_TIMEOUT). */
  kill(id: string, diagnostics: string, opts?: KillOptions): Promise<string>;
  clusterInfo(signal?: AbortSignal): Promise<ClusterInfo>;
  /**
   * The queue names a submission may use now (GET /ws/v1/cluster/scheduler): a closed list, or
   * names null when the RM can't say (its scheduler or answer makes no closed list). Throws
   * YarnError when the RM could not be asked (unreachable, no active RM, an HTTP error).
   */
  leafQueues(signal?: AbortSignal): Promise<LeafQueues>;
}
