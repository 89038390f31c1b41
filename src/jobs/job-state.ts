// A job's state is a closed union; terminal states never change again (ARCHITECTURE.md, Job lifecycle).

export const JOB_STATES = [
  'QUEUED', 'PREFLIGHT', 'SUBMITTING', 'ACCEPTED', 'RUNNING', 'CANCELLING',
  'SUCCEEDED', 'FAILED', 'KILLED', 'SHADOWED',
] as const;

export type JobState = (typeof JOB_STATES)[number];

// SHADOWED: accepted while the region was in shadow mode; recorded and judged, never sent to YARN.
export const TERMINAL_STATES: readonly JobState[] = ['SUCCEEDED', 'FAILED', 'KILLED', 'SHADOWED'];

export function isTerminal(state: JobState): boolean {
  return TERMINAL_STATES.includes(state);
}

/**
 * The allowed moves: from each state, the states a job may go to next. The store's Lua script
 * enforces exactly this table (src/store/lua-scripts.ts embeds it), so no stale or racing writer
 * can move a job backwards or out of a terminal state. A write that keeps the state (to == from)
 * is always allowed for a live job: it updates the application view without an event.
 *
 * Why each edge exists:
 * - QUEUED/PREFLIGHT → FAILED: preflight deadline passed, or the job could not be enqueued.
 * - SUBMITTING → RUNNING/SUCCEEDED/FAILED/KILLED: the application already moved on (or ended)
 *   by the time the submit step recorded it (a redelivery after a crash, a very short job).
 * - ACCEPTED → SUCCEEDED/FAILED/KILLED: ended between two tracker ticks.
 * - CANCELLING → SUCCEEDED/FAILED: the application finished before the kill took effect; a late
 *   cancel never turns a success into KILLED.
 */
export const JOB_TRANSITIONS: Readonly<Record<JobState, readonly JobState[]>> = {
  QUEUED: ['PREFLIGHT', 'CANCELLING', 'FAILED'],
  PREFLIGHT: ['SUBMITTING', 'CANCELLING', 'FAILED'],
  SUBMITTING: ['ACCEPTED', 'RUNNING', 'CANCELLING', 'SUCCEEDED', 'FAILED', 'KILLED'],
  ACCEPTED: ['RUNNING', 'CANCELLING', 'SUCCEEDED', 'FAILED', 'KILLED'],
  RUNNING: ['CANCELLING', 'SUCCEEDED', 'FAILED', 'KILLED'],
  CANCELLING: ['SUCCEEDED', 'FAILED', 'KILLED'],
  SUCCEEDED: [],
  FAILED: [],
  KILLED: [],
  // Only ever created so (CREATE_JOB), never reached by a move.
  SHADOWED: [],
};

export function canTransition(from: JobState, to: JobState): boolean {
  return from === to ? !isTerminal(from) : JOB_TRANSITIONS[from].includes(to);
}

/** Strict parse: an unknown string is a bug or corruption, never a silent default. */
export function parseJobState(value: string): JobState {
  if ((JOB_STATES as readonly string[]).includes(value)) return value as JobState;
  throw new Error(`unknown job state "${value}"`);
}

/** Why a job ended KILLED: a caller's cancel, its timeout, Sluice itself, or someone outside Sluice (e.g. `yarn app -kill`). */
export const KILL_REASONS = ['cancelled', 'timeout', 'gateway', 'external'] as const;
export type KillReason = (typeof KILL_REASONS)[number];
