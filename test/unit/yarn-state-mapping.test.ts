import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapYarnState } from '../../src/jobs/index.ts';

// One row per line of ARCHITECTURE.md's mapping table.
const rows: [string, string, string, boolean][] = [
  ['NEW', 'UNDEFINED', 'ACCEPTED', false],
  ['NEW_SAVING', 'UNDEFINED', 'ACCEPTED', false],
  ['SUBMITTED', 'UNDEFINED', 'ACCEPTED', false],
  ['ACCEPTED', 'UNDEFINED', 'ACCEPTED', false],
  ['RUNNING', 'UNDEFINED', 'RUNNING', false],
  ['RUNNING', 'SUCCEEDED', 'RUNNING', false], // AM unregistering: still RUNNING
  ['FINISHED', 'SUCCEEDED', 'SUCCEEDED', false],
  ['FINISHED', 'FAILED', 'FAILED', false],
  ['FINISHED', 'KILLED', 'KILLED', false],
  ['KILLED', 'KILLED', 'KILLED', false],
  ['FAILED', 'FAILED', 'FAILED', false],
  ['FINISHED', 'UNDEFINED', 'FAILED', true],
  ['FINISHED', 'ENDED', 'FAILED', true],
  ['SOMETHING', 'NEW', 'FAILED', true],
];

for (const [state, finalStatus, expected, unexpected] of rows) {
  test(`YARN ${state}/${finalStatus} → ${expected}`, () => {
    const mapped = mapYarnState(state, finalStatus);
    assert.equal(mapped.state, expected);
    if (unexpected) assert.match(mapped.unexpected ?? '', new RegExp(`${state}/${finalStatus}`));
    else assert.equal(mapped.unexpected, undefined);
  });
}
