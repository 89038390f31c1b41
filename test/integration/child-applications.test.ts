// A job's child applications (what its own application started and tagged with the job's tags: a
// Spark application, a MapReduce run), on the emulator: the tracker follows them in its two lists,
// a child that fails fails the job, and a cancel or timeout kills them before the launcher. The
// same on a real YARN with Spark: spark-real-yarn.test.ts; the RM facts behind it: the contract.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ulid } from 'ulid';
import { parseJobSpec } from '../../src/jobs/index.ts';
import { cancelApplication } from '../../src/queue/cancel-application.ts';
import { launchScriptFor } from '../../src/queue/job-launch.ts';
import { Tracker } from '../../src/tracker/tracker.ts';
import { buildDistributedShellSubmission, jobTags } from '../../src/yarn/distributed-shell.ts';
import type { YarnApplication } from '../../src/yarn/resource-manager.ts';
import { regionContext, type TestRegionContext } from '../support/region-context.ts';
import { shellJob, Stack } from '../support/stack.ts';
import { waitFor } from '../support/wait-for.ts';

let stack: Stack;
let ctx: TestRegionContext;
let tracker: Tracker;
before(async () => {
  stack = await Stack.start({ regions: ['ra'], startWorkers: false });
  ctx = regionContext(stack, 'ra');
  tracker = new Tracker(ctx, stack.redis);
});
after(async () => {
  await tracker?.close();
  await ctx?.close();
  await stack?.close();
});

/** An application on the emulator running `script`, carrying the job's tags (a child when `type` is not SLUICE). */
async function appFor(jobId: string, script: string, type?: string): Promise<string> {
  const { applicationId } = await ctx.rm.newApplication();
  const parsed = parseJobSpec(shellJob('ra', script));
  assert.ok(parsed.ok);
  const staged = await ctx.staging.stage(jobId, `launch-${applicationId}.sh`, launchScriptFor(jobId, parsed.spec, ctx.region, stack.ns));
  const submission = buildDistributedShellSubmission({ jobId, applicationId, name: 'child-test', region: 'ra', namespace: stack.ns, queue: 'default', memoryMb: 128, vcores: 1, script: staged }, ctx.am);
  await ctx.rm.submitApplication({ ...submission, type: type ?? submission.type, tags: jobTags(jobId, 'ra', stack.ns) });
  return applicationId;
}

/** A job RUNNING on its own application (`script`), tracked as the submit step leaves it. */
async function runningJob(script: string, timeoutSeconds = 3600): Promise<{ id: string; own: string }> {
  const parsed = parseJobSpec(shellJob('ra', script));
  assert.ok(parsed.ok);
  const id = `job_${ulid()}`;
  await ctx.store.create({ id, spec: parsed.spec, principal: 'test', timeoutSeconds, idempotency: null });
  for (const s of ['PREFLIGHT', 'SUBMITTING'] as const) assert.equal((await ctx.store.transition(id, s)).outcome, 'ok');
  const own = await appFor(id, script);
  await ctx.store.transition(id, 'ACCEPTED', {}, undefined, { track: { applicationId: own, submittedAtMs: Date.now() } });
  return { id, own };
}

const app = (id: string): Promise<YarnApplication> => ctx.rm.getApplication(id);
async function tickUntil(id: string, done: (job: NonNullable<Awaited<ReturnType<typeof ctx.store.get>>>) => boolean, what: string) {
  await waitFor(async () => {
    await tracker.tick();
    const job = await ctx.store.get(id);
    return !!job && done(job);
  }, { what, timeoutMs: 15_000, intervalMs: 100 });
  return (await ctx.store.get(id))!;
}

test("the tracker shows a job's child with its type and tracking URL, in the same two RM requests per tick", async () => {
  const { id, own } = await runningJob('sleep 60');
  const child = await appFor(id, 'sleep 60', 'SPARK');
  await waitFor(async () => (await app(child)).state === 'RUNNING', { what: 'the child RUNNING' });
  const job = await tickUntil(id, (j) => j.childApplications.some((c) => c.state === 'RUNNING'), 'the child on the job');
  assert.deepEqual(job.childApplications.map((c) => [c.id, c.type, c.state, c.finalStatus]), [[child, 'SPARK', 'RUNNING', 'UNDEFINED']]);
  assert.match(job.childApplications[0]!.trackingUrl ?? '', /^http/);
  const emu = stack.emulators.get('ra')!;
  emu.resetRequestCount();
  await tracker.tick();
  assert.equal(emu.requestCount(), 2, 'two lists, the child in them: no request of its own');
  await ctx.rm.kill(child, 'test done');
  await ctx.rm.kill(own, 'test done');
});

test('a child that fails fails the job, whose error names it and carries its diagnostics, though the launcher succeeded', async () => {
  const { id, own } = await runningJob('sleep 3');
  const child = await appFor(id, 'echo "stage 2 broke" >&2; exit 4', 'MAPREDUCE');
  const job = await tickUntil(id, (j) => j.state === 'FAILED', 'the job FAILED');
  assert.equal((await app(own)).finalStatus, 'SUCCEEDED', 'the launcher itself succeeded');
  assert.equal(job.error?.code, 'CHILD_APPLICATION_FAILED');
  assert.match(job.error!.message, new RegExp(`^application ${child} \\(MAPREDUCE\\) ended FAILED: .*stage 2 broke`));
  assert.deepEqual(job.childApplications.map((c) => [c.id, c.finalStatus]), [[child, 'FAILED']]);
});

test('a cancel kills the children before the launcher, and the job shows them KILLED even if no tick saw them', async () => {
  const { id, own } = await runningJob('sleep 60');
  await tickUntil(id, (j) => j.state === 'RUNNING', 'the job RUNNING');
  const child = await appFor(id, 'sleep 60', 'SPARK');
  await waitFor(async () => (await app(child)).state === 'RUNNING', { what: 'the child RUNNING' });
  await ctx.store.transition(id, 'CANCELLING', { cancel: { requestedAt: new Date().toISOString(), by: 'test', reason: '' } });
  assert.equal(await cancelApplication(ctx, id, own), 'done');
  const [ownApp, childApp] = [await app(own), await app(child)];
  assert.equal(childApp.state, 'KILLED');
  assert.ok(childApp.finishedTime <= ownApp.finishedTime, `the child (${childApp.finishedTime}) ended before its launcher (${ownApp.finishedTime})`);
  const job = (await ctx.store.get(id))!;
  assert.equal(job.state, 'KILLED');
  assert.equal(job.killReason, 'cancelled');
  assert.deepEqual(job.childApplications.map((c) => [c.id, c.state]), [[child, 'KILLED']]);
});

test('a timeout kills the children first too: KILLED with reason timeout, nothing of the job left running', async () => {
  const { id, own } = await runningJob('sleep 60', 2);
  const child = await appFor(id, 'sleep 60', 'SPARK');
  await waitFor(async () => (await app(child)).state === 'RUNNING', { what: 'the child RUNNING' });
  const job = await tickUntil(id, (j) => j.state === 'KILLED', 'the job KILLED by its timeout');
  assert.equal(job.killReason, 'timeout');
  assert.equal(job.error?.code, 'TIMEOUT');
  const [ownApp, childApp] = [await app(own), await app(child)];
  assert.equal(childApp.state, 'KILLED');
  assert.ok(childApp.finishedTime <= ownApp.finishedTime, 'the child ended before its launcher');
});

test("logs of an application that is not the job's own or a child of it: refused, naming it", async () => {
  const { id, own } = await runningJob('sleep 60');
  const child = await appFor(id, 'echo from-the-child', 'SPARK');
  await tickUntil(id, (j) => j.childApplications.some((c) => c.id === child && c.state === 'FINISHED'), 'the child FINISHED on the job');
  const stranger = `application_${Date.now()}_9999`;
  const bad = await stack.request('GET', `/v1/jobs/${id}/logs?application=${stranger}`);
  await ctx.rm.kill(own, 'test done');
  assert.equal(bad.status, 404, JSON.stringify(bad.body));
  assert.match(bad.body.error.message, new RegExp(`${stranger} is not one of job ${id}'s`));
  const invalid = await stack.request('GET', `/v1/jobs/${id}/logs?application=x;rm`);
  assert.equal(invalid.status, 400);
  assert.deepEqual(invalid.body.error.issues.map((i: { path: string[] }) => i.path.join('.')), ['query.application']);
});
