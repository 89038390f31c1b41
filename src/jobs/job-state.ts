// A job's state is a closed union; terminal states never change again (ARCHITECTURE.md, Job lifecycle).

export const JOB_STATES = [
  'QUEUED', 'PREFLIGHT', 'SUBMITTING', 'ACCEPTED', 'RUNNING', 'CANCELLING',
  'SUCCEEDED', 'FAILED', 'KILLED',
] as const;

export type JobState = (typeof JOB_STATES)[number];

export const TERMINAL_STATES: readonly JobState[] = ['SUCCEEDED', 'FAILED', 'KILLED'];

export function isTerminal(state: JobState): boolean {
  return TERMINAL_STATES.includes(state);
}

/** Strict parse: an unknown string is a bug or corruption, never a silent default. */
export function parseJobState(value: string): JobState {
  if ((JOB_STATES as readonly string[]).includes(value)) return value as JobState;
  throw new Error(`unknown job state "${value}"`);
}

/** Why a job ended KILLED: a caller's cancel, its timeout, Sluice itself, or someone outside Sluice (e.g. `yarn app -kill`). */
export const KILL_REASONS = ['cancelled', 'timeout', 'gateway', 'external'] as const;
export type KillReason = (typeof KILL_REASONS)[number];
