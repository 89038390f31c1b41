// ResourceManager restart with recovery on: `kill -9` the RM while jobs run, start it again. Every
// job ends in its correct state, none duplicated, none failed because of the outage; the region
// shows degraded meanwhile, and a job submitted during the outage runs once the RM is back.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Agent } from 'undici';
import { jobTag } from '../../src/yarn/distributed-shell.ts';
import { ResourceManagerClient } from '../../src/yarn/resource-manager-client.ts';
import { javaAvailable, startRealYarn, type RealYarn } from '../support/real-yarn.ts';
import { waitForPreflightRounds } from '../support/preflight-rounds.ts';
import { shellJob, Stack } from '../support/stack.ts';
import { waitFor } from '../support/wait-for.ts';

if (!javaAvailable()) throw new Error('the real-YARN suite needs Java 17 and Maven');

let yarn: RealYarn;
let stack: Stack;
const dispatcher = new Agent();
before(async () => {
  yarn = await startRealYarn();
  stack = await Stack.start({
    regions: ['ry'], realYarn: { ry: yarn }, trackerIntervalMs: 500,
    region: () => ({ network: { connectTimeoutMs: 1000, requestTimeoutMs: 5000 }, preflight: { intervalSeconds: 2 } }),
  });
});
after(async () => {
  await stack?.close();
  await yarn?.stop();
  await dispatcher.close();
});

test('kill -9 the RM while jobs run, start it again: every job SUCCEEDED once', { timeout: 300_000 }, async () => {
  const health = async () => (await stack.request('GET', '/v1/regions')).body.regions[0].health;
  const running = [];
  for (let i = 0; i < 3; i++) running.push((await stack.submit(shellJob('ry', `sleep 20; echo done ${i}`))).body.id as string);
  for (const id of running) await stack.waitForState(id, 'RUNNING', 120_000);

  await yarn.killRm('SIGKILL');
  await waitFor(async () => (await health()).status === 'degraded', { what: 'region ry degraded after kill -9 of its RM', timeoutMs: 20_000, intervalMs: 250 });
  const submittedAt = Date.now();
  const duringOutage = (await stack.submit(shellJob('ry', 'echo submitted during the outage'))).body.id as string;
  // Two whole preflight rounds (2 s apart; the tracker ticks every 0.5 s meanwhile) that found the RM
  // away: the worker has tried, and still keeps every state.
  const rmRound = await waitForPreflightRounds(stack, 'ry', { check: 'yarn-rm', rounds: 2, sinceMs: submittedAt });
  assert.equal(rmRound.ok, false, `yarn-rm check passed with the RM killed: ${JSON.stringify(rmRound)}`);
  for (const id of running) assert.equal((await stack.request('GET', `/v1/jobs/${id}`)).body.state, 'RUNNING', 'state kept while the RM is away');

  await yarn.startRm();
  for (const id of [...running, duringOutage]) {
    const job = await stack.waitForState(id, 'SUCCEEDED', 180_000);
    const rm = new ResourceManagerClient({ resourceManagers: [yarn.rmUrl], user: 'sluice', dispatcher });
    const apps = await rm.listApplications({ tags: [jobTag(id)] });
    assert.deepEqual(apps.map((a) => a.id), [job.application!.id], `job ${id}: exactly one application`);
  }
  const events = await stack.redis.xrange(`${stack.ns}:events`, '-', '+');
  const health2 = events.filter(([, f]) => f[1] === 'region.health_changed').map(([, f]) => f[f.indexOf('to') + 1]);
  assert.ok(health2.includes('degraded') && health2.at(-1) === 'ok', JSON.stringify(health2));
});
