// One application as the emulated RM keeps it. `state` is the RM's internal RMAppState (it can be
// KILLING, which the real RM shows verbatim in PUT/GET …/state answers); `yarnState()` is the
// YarnApplicationState that GET /apps and /apps/{id} report (KILLING shows as the state before it).

import type { ChildProcess } from 'node:child_process';
import type { ParsedAppId } from './application-id.ts';

export type RmAppState =
  | 'NEW' | 'NEW_SAVING' | 'SUBMITTED' | 'ACCEPTED' | 'RUNNING' | 'KILLING' | 'FINISHED' | 'FAILED' | 'KILLED';

export type YarnState = Exclude<RmAppState, 'KILLING'>;

export type FinalStatus = 'UNDEFINED' | 'SUCCEEDED' | 'FAILED' | 'KILLED' | 'ENDED';

export const FINAL_STATES: ReadonlySet<RmAppState> = new Set(['FINISHED', 'FAILED', 'KILLED']);

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
  return app.state === 'KILLING' ? (app.stateBeforeKilling ?? 'RUNNING') : app.state;
}

export function isFinal(app: EmulatedApp): boolean {
  return FINAL_STATES.has(app.state);
}
