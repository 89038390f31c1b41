// Exactly-once submission: a worker SIGKILLed mid-submission and restarted still leaves exactly
// one YARN application carrying the job's tag, and the job ends SUCCEEDED.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { jobTag } from '../../src/yarn/distributed-shell.ts';
import { ResourceManagerClient } from '../../src/yarn/resource-manager-client.ts';
import { Agent } from 'undici';
import { shellJob, Stack } from '../support/stack.ts';

let stack: Stack;
const dispatcher = new Agent();
before(async () => { stack = await Stack.start({ regions: ['ra'] }); });
after(async () => { await stack?.close(); await dispatcher.close(); });

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function applicationsTagged(jobId: string) {
  const rm = new ResourceManagerClient({ resourceManagers: [stack.emulators.get('ra')!.url], user: 'sluice', dispatcher });
  return rm.listApplications({ tags: [jobTag(jobId)] });
}

const PATHS = {
  newApplication: '/ws/v1/cluster/apps/new-application',
  submit: '/ws/v1/cluster/apps',
};

for (const step of ['newApplication', 'submit'] as const) {
  test(`SIGKILL while the ${step} call is in flight, then restart: one application, SUCCEEDED`, async () => {
    const emu = stack.emulators.get('ra')!;
    emu.resetRequestCount();
    emu.setLatency(4000, { method: 'POST', path: PATHS[step] });
    const res = await stack.submit(shellJob('ra', 'echo exactly-once'));
    await until(`the worker's ${step} request`, () => emu.requestCount({ method: 'POST', path: PATHS[step] }) >= 1);
    if (step === 'submit') {
      // The application id was reserved in Redis before the submit went out.
      assert.match(await stack.redis.hget(`${stack.ns}:job:${res.body.id}`, 'applicationId') ?? '', /^application_/);
    }
    await stack.stopWorker('ra', 'SIGKILL');
    emu.setLatency(0);
    await stack.startWorker('ra');
    const job = await stack.waitForState(res.body.id, 'SUCCEEDED', 45_000);
    const apps = await applicationsTagged(res.body.id);
    assert.equal(apps.length, 1, `applications tagged: ${apps.map((a) => a.id)}`);
    assert.equal(apps[0]!.id, job.application!.id);
    const events = await stack.redis.xrange(`${stack.ns}:events:job:${res.body.id}`, '-', '+');
    const states = events.map(([, f]) => f[f.indexOf('to') + 1]);
    // The redelivered job picks up where it was: every state once, in order, one terminal event.
    assert.deepEqual(states, ['QUEUED', 'PREFLIGHT', 'SUBMITTING', 'ACCEPTED', 'RUNNING', 'SUCCEEDED']);
  });
}
