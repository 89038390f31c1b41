// The client commands' exit codes, in one table: what a script or scheduler branches on. `sluice
// --help` and each command's help print it from here.

import type { JobState } from '../../jobs/index.ts';

export const EXIT = {
  /** The job SUCCEEDED, or the command did what it was asked. */
  OK: 0,
  FAILED: 1,
  KILLED: 2,
  /** Refused or invalid: the API said no (400, 403, 404, 409) or the command line or spec file is wrong. */
  REFUSED: 3,
  /** Accepted in shadow mode: recorded and judged, never run on Sluice; run it the old way. */
  SHADOWED: 4,
  /** Cannot talk to Sluice: connection refused, timeout, 401, 5xx after retries, no or bad config. */
  UNAVAILABLE: 5,
  /** Ctrl-C (SIGINT) while waiting or following; a job already submitted keeps running. */
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

const TERMINAL_EXITS: Partial<Record<JobState, ExitCode>> = {
  SUCCEEDED: EXIT.OK,
  FAILED: EXIT.FAILED,
  KILLED: EXIT.KILLED,
  SHADOWED: EXIT.SHADOWED,
};

/** The exit code a job's terminal state gives `submit --wait`, `wait` and `cancel --wait`. */
export function exitCodeForState(state: JobState): ExitCode {
  const code = TERMINAL_EXITS[state];
  if (code === undefined) throw new Error(`state ${state} is not terminal: it has no exit code`);
  return code;
}

/** The exit code an HTTP status gives (an answer that is not what was asked for). */
export function exitCodeForStatus(status: number): ExitCode {
  if (status === 401) return EXIT.UNAVAILABLE;
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) return EXIT.REFUSED;
  return EXIT.UNAVAILABLE;
}

export const EXIT_CODES_HELP = `
Exit codes:
  0    the job SUCCEEDED, or the command did what it was asked
  1    the job FAILED
  2    the job was KILLED (cancelled, timed out)
  3    refused or invalid: bad spec or command line, unknown region or job, region
       disabled, not in the rollout, Idempotency-Key used with another spec, forbidden
  4    SHADOWED: accepted in shadow mode, never run on Sluice; run the job the old way
  5    cannot talk to Sluice: no URL, connection refused or timed out, 401 (token
       missing or unknown), 5xx after retries
  130  interrupted (Ctrl-C) while waiting or following; the job keeps running`;
