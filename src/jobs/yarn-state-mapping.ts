// YARN's (state, finalStatus) pair → Sluice job state. The one place this mapping lives
// (ARCHITECTURE.md, Job lifecycle); test/unit/yarn-state-mapping.test.ts has one test per row.

import type { JobState } from './job-state.ts';

export interface MappedState {
  state: JobState;
  /** Set when the pair is not one YARN documents: the raw pair, so nothing is hidden. */
  unexpected?: string;
}

const ACTIVE_STATES = new Set(['NEW', 'NEW_SAVING', 'SUBMITTED', 'ACCEPTED']);

export function mapYarnState(yarnState: string, finalStatus: string): MappedState {
  if (ACTIVE_STATES.has(yarnState)) return { state: 'ACCEPTED' };
  // While the AM unregisters, finalStatus can already be set although the app still runs.
  if (yarnState === 'RUNNING') return { state: 'RUNNING' };
  if (yarnState === 'FINISHED') {
    // A Distributed Shell script's non-zero exit shows as FINISHED + FAILED.
    if (finalStatus === 'SUCCEEDED') return { state: 'SUCCEEDED' };
    if (finalStatus === 'FAILED') return { state: 'FAILED' };
    if (finalStatus === 'KILLED') return { state: 'KILLED' };
  }
  if (yarnState === 'KILLED') return { state: 'KILLED' };
  if (yarnState === 'FAILED') return { state: 'FAILED' };
  return { state: 'FAILED', unexpected: `unexpected YARN state ${yarnState}/${finalStatus}` };
}
