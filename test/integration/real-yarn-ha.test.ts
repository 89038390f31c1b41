// ResourceManager HA against a real pair (rm1, rm2; manual failover, shared FileSystemRMStateStore,
// recovery on): a job runs with rm1 active; then, with jobs running, rm1 is killed with -9 and rm2
// made active. Every job — those running across the failover, one submitted while no RM was
// active, one submitted after — ends SUCCEEDED with exactly one YARN application.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Agent } from 'undici';
import { jobTag } from '../../src/yarn/distributed-shell.ts';
import { ResourceManagerClient } from '../../src/yarn/resource-manager-client.ts';
import { javaAvailable, startRealYarnHa, type RealYarnHa } from '../support/real-yarn-ha.ts';
import type { RealYarn } from '../support/real-yarn.ts';
import { waitForPreflightRounds } from '../support/preflight-rounds.ts';
import { shellJob, Stack } from '../support/stack.ts';

if (!javaAvailable()) throw new Error('the real-YARN suite needs Java 17 and Maven');

let yarn: RealYarnHa;
let stack: Stack;
const dispatcher = new Agent();
const started = performance.now();
const secs = (from: number) => `${((performance.now() - from) / 1000).toFixed(1)} s`;

before(async () => {
  yarn = await startRealYarnHa();
  // Stack reads only these fields of a RealYarn (rmUrls: the region's RM list).
  const region = {
    rmUrl: yarn.rmUrl, rmUrls: yarn.rmUrls, distributedShellJar: yarn.distributedShellJar,
    amClasspath: yarn.amClasspath, hadoopJarCommand: yarn.hadoopJarCommand,
  } as unknown as RealYarn & { rmUrls: string[] };
  stack = await Stack.start({
    regions: ['ry'], realYarn: { ry: region }, trackerIntervalMs: 500,
    region: () => ({ network: { connectTimeoutMs: 1000, requestTimeoutMs: 5000 }, preflight: { intervalSeconds: 2 } }),
  });
  console.log(`# HA YARN up in ${yarn.startupMs} ms; stack up ${secs(started)} after start`);
});

after(async () => {
  await stack?.close();
  await yarn?.stop();
  await dispatcher.close();
  console.log(`# whole file: ${secs(started)}`);
});

/** Exactly one application carries the job's tag, and it is the job's (asked of whichever RM is active). */
async function assertOneApplication(id: string, appId: string | undefined): Promise<void> {
  const rm = new ResourceManagerClient({ resourceManagers: yarn.rmUrls, user: 'sluice', dispatcher });
  const apps = await rm.listApplications({ tags: [jobTag(id)] });
  assert.deepEqual(apps.map((a) => a.id), [appId], `job ${id}: exactly one application`);
}

test('rm1 active: a job runs to SUCCEEDED', { timeout: 120_000 }, async () => {
  const t = performance.now();
  assert.equal(await yarn.haState('rm1'), 'ACTIVE');
  assert.equal(await yarn.haState('rm2'), 'STANDBY');
  const id = (await stack.submit(shellJob('ry', 'echo hello from rm1'))).body.id as string;
  const job = await stack.waitForState(id, 'SUCCEEDED', 90_000);
  await assertOneApplication(id, job.application?.id);
  console.log(`# job on rm1: SUCCEEDED in ${secs(t)}`);
});

test('kill -9 the active RM, make rm2 active: running and new jobs all SUCCEEDED once', { timeout: 240_000 }, async () => {
  const running: string[] = [];
  for (let i = 0; i < 3; i++) running.push((await stack.submit(shellJob('ry', `sleep 15; echo done ${i}`))).body.id as string);
  for (const id of running) await stack.waitForState(id, 'RUNNING', 90_000);

  const failover = performance.now();
  await yarn.killRm('rm1', 'SIGKILL');
  // No active RM now: rm2 is STANDBY and answers 307 without Location.
  assert.equal(await yarn.haState('rm2'), 'STANDBY');
  const submittedAt = Date.now();
  const duringFailover = (await stack.submit(shellJob('ry', 'echo submitted with no active RM'))).body.id as string;
  // Two whole preflight rounds (2 s apart; the tracker ticks every 0.5 s meanwhile) that found no
  // active RM: the worker has tried both, and still keeps every state.
  const rmRound = await waitForPreflightRounds(stack, 'ry', { check: 'yarn-rm', rounds: 2, sinceMs: submittedAt });
  assert.equal(rmRound.ok, false, `yarn-rm check passed with no active RM: ${JSON.stringify(rmRound)}`);
  for (const id of running) assert.equal((await stack.request('GET', `/v1/jobs/${id}`)).body.state, 'RUNNING', 'state kept while no RM is active');

  await yarn.transitionToActive('rm2');
  console.log(`# rm2 ACTIVE (with the NM) ${secs(failover)} after kill -9 rm1`);
  const afterFailover = (await stack.submit(shellJob('ry', 'echo submitted after the failover'))).body.id as string;

  for (const id of [...running, duringFailover, afterFailover]) {
    const job = await stack.waitForState(id, 'SUCCEEDED', 150_000);
    await assertOneApplication(id, job.application?.id);
  }
  console.log(`# all 5 jobs SUCCEEDED ${secs(failover)} after kill -9 rm1`);
});
