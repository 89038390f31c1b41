// A region with several ResourceManagers: the worker finds the active one, whatever stands in
// front of it in the list — a standby answering 307, or an RM that refuses connections — and the
// failover when the active one turns standby. (Against the emulator's HA mode; the real-YARN HA
// pair is in real-yarn-ha.test.ts.)

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { freePort } from '../../src/dev/local-redis.ts';
import { startRmEmulator, type RmEmulator } from '../../src/emulator/index.ts';
import { shellJob, Stack } from '../support/stack.ts';

let stack: Stack;
let standby: RmEmulator;
let deadUrl: string;
before(async () => {
  standby = await startRmEmulator({ haState: 'STANDBY' });
  deadUrl = `http://127.0.0.1:${await freePort()}`;
  stack = await Stack.start({
    regions: ['ra', 'rb'],
    resourceManagers: (name, active) => {
      if (name === 'ra') {
        standby.setStandby(active);
        return [standby.url, active];
      }
      return [deadUrl, active];
    },
  });
});
after(async () => {
  await stack?.close();
  await standby?.close();
});

test('a standby first in the list: jobs go to the active RM', async () => {
  standby.resetRequestCount();
  const res = await stack.submit(shellJob('ra', 'echo via the active'));
  await stack.waitForState(res.body.id, 'SUCCEEDED');
  assert.equal(standby.requestCount({ method: 'POST' }), 0, 'nothing was written to the standby');
  assert.equal(standby.application((await stack.request('GET', `/v1/jobs/${res.body.id}`)).body.application.id), undefined);
});

test('an RM that refuses connections first in the list: jobs still run', async () => {
  const res = await stack.submit(shellJob('rb', 'echo past a dead RM'));
  await stack.waitForState(res.body.id, 'SUCCEEDED');
});

test('the active turns standby and the standby active: new jobs follow the new active', async () => {
  const active = stack.emulators.get('ra')!;
  active.setStandby(standby.url);
  standby.setActive();
  try {
    const res = await stack.submit(shellJob('ra', 'echo after failover'));
    const job = await stack.waitForState(res.body.id, 'SUCCEEDED', 30_000);
    assert.ok(standby.application(job.application!.id), 'the job ran on the new active RM');
  } finally {
    standby.setStandby(active.url);
    active.setActive();
  }
});
