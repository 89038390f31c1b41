// A job's end, decided from its own application's final state and its children's: pure, so every
// case is a row in a unit test. Used by finish-with-application.ts.

import { jobError, type JobError, type KillReason, type mapYarnState } from '../jobs/index.ts';
import type { ChildApplication } from './child-applications.ts';

export interface OutcomeInput {
  /** The job's own application, mapped (mapYarnState), with YARN's diagnostics. */
  mapped: ReturnType<typeof mapYarnState>;
  diagnostics: string;
  applicationId: string;
  children: readonly ChildApplication[];
  /** Why it was killed, if it was: a cancel, a timeout (Sluice's), or someone else. */
  reason: KillReason;
  timeoutSeconds: number | undefined;
  /** What a failed child's own output said (a PySpark driver's exception), if read. */
  childError: string | null;
}

export interface Outcome {
  state: 'SUCCEEDED' | 'FAILED' | 'KILLED';
  error?: JobError;
}

/**
 * - The job's application KILLED: KILLED, with why.
 * - Sluice killed the job (cancel, timeout) and a child is KILLED: KILLED, however the launcher took
 *   the loss of its child (spark-submit exits non-zero when its application is killed).
 * - A child FAILED or KILLED otherwise: FAILED with CHILD_APPLICATION_FAILED naming it (a FAILED one
 *   first), with its diagnostics and its own error: a launcher that exited 0 after its Spark
 *   application failed is still a failed job, and the driver's error says more than an exit code.
 * - Else the application's own end.
 */
export function jobOutcome(i: OutcomeInput): Outcome {
  const killedBySluice = i.reason === 'cancelled' || i.reason === 'timeout';
  if (i.mapped.state === 'KILLED' || (killedBySluice && i.children.some((c) => c.finalStatus === 'KILLED'))) {
    return { state: 'KILLED', error: jobError(i.reason === 'timeout' ? 'TIMEOUT' : 'KILLED', killMessage(i.reason, i.timeoutSeconds, i.diagnostics)) };
  }
  const child = failedChildFirst(i.children);
  if (child && !i.mapped.unexpected) {
    const said = [child.diagnostics, i.childError && `the driver's error: ${i.childError}`].filter(Boolean).join('; ');
    return { state: 'FAILED', error: jobError('CHILD_APPLICATION_FAILED', `application ${child.id}${child.type ? ` (${child.type})` : ''} ended ${child.finalStatus}${said ? `: ${said}` : ''}`) };
  }
  if (i.mapped.state === 'FAILED') {
    return {
      state: 'FAILED',
      error: i.mapped.unexpected
        ? jobError('UNEXPECTED_YARN_STATE', i.mapped.unexpected)
        : jobError('APPLICATION_FAILED', i.diagnostics || `application ${i.applicationId} failed`),
    };
  }
  return { state: 'SUCCEEDED' };
}

/** The child that ended badly, a FAILED one before a KILLED one: the one whose error says most. */
export function failedChildFirst(children: readonly ChildApplication[]): ChildApplication | null {
  return children.find((c) => c.finalStatus === 'FAILED') ?? children.find((c) => c.finalStatus === 'KILLED') ?? null;
}

function killMessage(reason: KillReason, timeoutSeconds: number | undefined, diagnostics: string): string {
  if (reason === 'timeout') return `killed after its timeout of ${timeoutSeconds}s`;
  if (reason === 'cancelled') return 'killed: cancelled';
  if (reason === 'gateway') return `killed by Sluice${diagnostics ? `: ${diagnostics}` : ''}`;
  return `the application was killed outside Sluice${diagnostics ? `: ${diagnostics}` : ''}`;
}
