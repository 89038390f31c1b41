// The application list's quick check (the tracker reads every Sluice application each tick) never
// accepts what zod's appsResponseSchema refuses: zod stays the authority on every body.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appsOfListBody, appsResponseSchema } from '../../src/yarn/schemas.ts';

const app = (over: Record<string, unknown> = {}) => ({
  id: 'application_1718000000000_0001', user: 'sluice', name: 'n', queue: 'root.default', state: 'RUNNING',
  finalStatus: 'UNDEFINED', diagnostics: '', trackingUrl: 'http://rm/proxy/x/', startedTime: 1718000000100, finishedTime: 0,
  applicationTags: 'sluice,sluice-job-job_01j', applicationType: 'SLUICE', amContainerLogs: 'http://nm/logs', progress: 10, ...over,
});

const FIELDS = ['id', 'user', 'name', 'queue', 'state', 'finalStatus', 'diagnostics', 'trackingUrl', 'startedTime', 'finishedTime', 'applicationTags', 'applicationType', 'amContainerLogs'];
const ODD_VALUES: unknown[] = [undefined, null, '', 'RUNNIN', 'FINISHED', 'SUCCEEDED', 0, -1, 1.5, true, {}, [], 'x'];

describe('appsOfListBody', () => {
  it('accepts the usual list, and an empty one in each of its shapes', () => {
    assert.equal(appsOfListBody({ apps: { app: [app(), app({ diagnostics: null, trackingUrl: undefined })] } })?.length, 2);
    assert.deepEqual(appsOfListBody({ apps: null }), []);
    assert.deepEqual(appsOfListBody({ apps: {} }), []);
    assert.deepEqual(appsOfListBody({ apps: { app: null } }), []);
  });

  it('accepts nothing zod refuses (every field × odd values, and odd envelopes)', () => {
    const bodies: unknown[] = [null, [], 'x', {}, { apps: [] }, { apps: 'x' }, { apps: { app: {} } }, { apps: { app: [null] } }, { apps: { app: [[]] } }];
    for (const field of FIELDS) {
      for (const value of ODD_VALUES) {
        const a: Record<string, unknown> = app({ [field]: value });
        if (value === undefined) delete a[field];
        bodies.push({ apps: { app: [app(), a] } });
      }
    }
    let quick = 0;
    for (const body of bodies) {
      const zod = appsResponseSchema.safeParse(body).success;
      const fast = appsOfListBody(body);
      if (fast !== null) {
        quick++;
        assert.ok(zod, `quick check accepted what zod refuses: ${JSON.stringify(body)}`);
      }
    }
    assert.ok(quick > 20, `the quick path took ${quick} bodies`);
  });
});
