// A job's end from its application's and its children's: every rule of src/queue/job-outcome.ts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapYarnState, type ChildApplication, type KillReason } from '../../src/jobs/index.ts';
import { jobOutcome } from '../../src/queue/job-outcome.ts';
import type { YarnAppState, YarnFinalStatus } from '../../src/yarn/resource-manager.ts';

const child = (id: string, finalStatus: string, diagnostics: string | null = null): ChildApplication => ({
  id, type: 'SPARK', state: finalStatus === 'KILLED' ? 'KILLED' : 'FINISHED', finalStatus, trackingUrl: null, diagnostics,
});
const outcome = (app: [YarnAppState, YarnFinalStatus], children: ChildApplication[], reason: KillReason = 'external', childError: string | null = null) =>
  jobOutcome({ mapped: mapYarnState(...app), diagnostics: 'launcher said', applicationId: 'application_1_0001', children, reason, timeoutSeconds: 60, childError });

const rows: [string, ReturnType<typeof outcome>, string, string | undefined, RegExp?][] = [
  ['launcher and children succeeded', outcome(['FINISHED', 'SUCCEEDED'], [child('a_1', 'SUCCEEDED')]), 'SUCCEEDED', undefined],
  ['launcher failed, no child', outcome(['FINISHED', 'FAILED'], []), 'FAILED', 'APPLICATION_FAILED', /launcher said/],
  ['launcher succeeded, a child failed', outcome(['FINISHED', 'SUCCEEDED'], [child('a_1', 'FAILED', 'User application exited with status 1')], 'external', 'ValueError: bad'), 'FAILED', 'CHILD_APPLICATION_FAILED',
    /^application a_1 \(SPARK\) ended FAILED: User application exited with status 1; the driver's error: ValueError: bad$/],
  ['launcher failed because its child failed', outcome(['FINISHED', 'FAILED'], [child('a_1', 'FAILED')]), 'FAILED', 'CHILD_APPLICATION_FAILED', /^application a_1 \(SPARK\) ended FAILED$/],
  ['a child killed outside Sluice', outcome(['FINISHED', 'FAILED'], [child('a_1', 'KILLED', 'killed by ops')]), 'FAILED', 'CHILD_APPLICATION_FAILED', /a_1 \(SPARK\) ended KILLED: killed by ops/],
  ['the FAILED child is named before a KILLED one, whatever their order', outcome(['FINISHED', 'FAILED'], [child('a_1', 'KILLED'), child('a_2', 'FAILED')]), 'FAILED', 'CHILD_APPLICATION_FAILED', /^application a_2 /],
  ['the launcher killed', outcome(['KILLED', 'KILLED'], [], 'external'), 'KILLED', 'KILLED', /killed outside Sluice: launcher said/],
  ['a cancel: Sluice killed the child, the launcher failed for it', outcome(['FINISHED', 'FAILED'], [child('a_1', 'KILLED')], 'cancelled'), 'KILLED', 'KILLED', /^killed: cancelled$/],
  ['a timeout: Sluice killed the child, the launcher exited 0 anyway', outcome(['FINISHED', 'SUCCEEDED'], [child('a_1', 'KILLED')], 'timeout'), 'KILLED', 'TIMEOUT', /timeout of 60s/],
  ['a cancel too late: everything had succeeded', outcome(['FINISHED', 'SUCCEEDED'], [child('a_1', 'SUCCEEDED')], 'cancelled'), 'SUCCEEDED', undefined],
  ['a cancel too late: the launcher had failed on its own', outcome(['FINISHED', 'FAILED'], [], 'cancelled'), 'FAILED', 'APPLICATION_FAILED'],
];
for (const [what, got, state, code, message] of rows) {
  test(what, () => {
    assert.equal(got.state, state);
    assert.equal(got.error?.code, code);
    if (message) assert.match(got.error!.message, message);
  });
}
