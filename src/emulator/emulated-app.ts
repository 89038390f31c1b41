// One application as the emulated RM keeps it. `state` is the RM's internal RMAppState (it can be
// KILLING or FINISHING, which the real RM shows verbatim in PUT/GET …/state answers); `yarnState()`
// is the YarnApplicationState that GET /apps and /apps/{id} report (RMAppImpl.createApplicationState:
// KILLING shows as the state before it, FINISHING as FINISHED).

import type { ChildProcess } from 'node:child_process';
import type { ParsedAppId } from './application-id.ts';

export type RmAppState =
  | 'NEW' | 'NEW_SAVING' | 'SUBMITTED' | 'ACCEPTED' | 'RUNNING' | 'KILLING' | 'FINISHING' | 'FINISHED' | 'FAILED' | 'KILLED';

export type YarnState = Exclude<RmAppState, 'KILLING' | 'FINISHING'>;

export type FinalStatus = 'UNDEFINED' | 'SUCCEEDED' | 'FAILED' | 'KILLED' | 'ENDED';

/**
 * RMAppImpl.isAppFinalStateStored: FINISHING (the AM unregistered, its container not yet gone)
 * counts, so a kill then answers 200 with state FINISHING.
 */
const FINAL_STATE_STORED: ReadonlySet<RmAppState> = new Set(['FINISHING', 'FINISHED', 'FAILED', 'KILLED']);

/** A shell container the emulated DS AM launched. */
export interface ShellContainer {
  containerId: string;
  dir: string;
  child: ChildProcess | null;
  /** Process group id (= the leader's pid: it is spawned detached). */
  pgid: number | null;
  exitCode: number | null;
  done: boolean;
}

export interface EmulatedApp {
  id: string;
  parsedId: ParsedAppId;
  user: string;
  name: string;
  queue: string;
  applicationType: string;
  /** Lowercased, de-duplicated, in submission order (the real RM keeps a HashSet: order is arbitrary). */
  tags: string[];
  priority: number;
  maxAppAttempts: number;
  amResource: { memory: number; vCores: number };
  amEnvironment: Record<string, string>;
  amCommand: string;
  /** Local resources of the AM container, key → file URL. */
  amLocalResources: Record<string, string>;

  state: RmAppState;
  stateBeforeKilling: YarnState | null;
  finalStatus: FinalStatus;
  diagnostics: string;
  progress: number;
  startedTime: number;
  /** When the submit that created it reached the emulator (ms since the epoch, this host's clock). */
  submitArrivedAt: number;
  launchTime: number;
  finishedTime: number;

  /** Set once the AM container exists (ACCEPTED with an attempt). */
  amContainerId: string | null;
  /** <workDir>/<appId>, once any container directory was made. */
  appDir: string | null;
  containers: ShellContainer[];
  /** Pending state-machine timers, cleared on kill and close. */
  timers: Set<NodeJS.Timeout>;
}

export function yarnState(app: EmulatedApp): YarnState {
  if (app.state === 'KILLING') return app.stateBeforeKilling ?? 'RUNNING';
  return app.state === 'FINISHING' ? 'FINISHED' : app.state;
}

export function isFinalStateStored(app: EmulatedApp): boolean {
  return FINAL_STATE_STORED.has(app.state);
}
