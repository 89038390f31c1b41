// The jobs of a chaos run, decided up front from the seed: short shell scripts (sleep 0.1–3 s,
// some exit 1), ~10% cancelled at a random moment after acceptance, ~5% with a timeout shorter than
// their script. Each plan says what the job should end as, absent any fault.

import type { Random } from './random.ts';

export type Terminal = 'SUCCEEDED' | 'FAILED' | 'KILLED';

export interface JobPlan {
  index: number;
  region: string;
  idempotencyKey: string;
  spec: Record<string, unknown>;
  sleepS: number;
  exitCode: 0 | 1;
  timeoutS: number | null;
  /** Cancel this long after the submit was accepted (null: never). */
  cancelAfterMs: number | null;
  /** Without a cancel: what the job ends as. */
  expected: Terminal;
}

export const FAIL_FRACTION = 0.1;

export function planJobs(o: { jobs: number; regions: string[]; runId: string; cancelFraction: number; timeoutFraction: number }, rng: Random): JobPlan[] {
  const plans: JobPlan[] = [];
  for (let i = 0; i < o.jobs; i++) {
    const region = rng.pick(o.regions);
    const timeout = rng.chance(o.timeoutFraction);
    // A timed-out job sleeps well past its 1 s timeout, so the timeout, not the script, ends it.
    const sleepS = timeout ? 3 : Math.round(rng.between(0.1, 3) * 100) / 100;
    const exitCode: 0 | 1 = !timeout && rng.chance(FAIL_FRACTION) ? 1 : 0;
    const cancelAfterMs = rng.chance(o.cancelFraction) ? Math.round(rng.between(0, 4000)) : null;
    const script = `#!/usr/bin/env bash\nsleep ${sleepS}\necho "chaos job ${i} done"\nexit ${exitCode}\n`;
    plans.push({
      index: i, region, idempotencyKey: `chaos/${o.runId}/${i}`,
      spec: {
        region, name: `chaos-${i}`, kind: 'shell', script,
        resources: { memoryMb: 128, vcores: 1 },
        ...(timeout ? { timeoutSeconds: 1 } : {}),
        labels: { chaos: o.runId, plan: String(i) },
      },
      sleepS, exitCode, timeoutS: timeout ? 1 : null, cancelAfterMs,
      expected: timeout ? 'KILLED' : exitCode === 0 ? 'SUCCEEDED' : 'FAILED',
    });
  }
  return plans;
}
