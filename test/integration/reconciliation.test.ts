// Reconciliation against the ResourceManager emulator: stray and duplicate applications are killed
// (after the grace period only), a job whose record lost its application adopts it, a submit that
// gave up after YARN accepted it ends tracked instead of leaving the app untracked, a hadoop-jar
// job's MapReduce run shows on the job and dies with it, a job never queued fails instead of
// staying QUEUED.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ulid } from 'ulid';
import { Reconciler, type ReconcileOptions } from '../../src/housekeeping/reconciler.ts';
import { parseJobSpec, type JobState } from '../../src/jobs/index.ts';
import { launchScriptFor } from '../../src/queue/job-launch.ts';
import { killJobApplications } from '../../src/queue/kill-job-applications.ts';
import { buildDistributedShellSubmission, jobTags } from '../../src/yarn/distributed-shell.ts';
import { regionContext, type TestRegionContext } from '../support/region-context.ts';
import { shellJob, Stack } from '../support/stack.ts';
import { waitFor } from '../support/wait-for.ts';

let stack: Stack;
let ctx: TestRegionContext;
before(async () => {
  stack = await Stack.start({ regions: ['ra'], startWorkers: false });
  ctx = regionContext(stack, 'ra');
});
after(async () => {
  await ctx?.close();
  await stack?.close();
});

const reconciler = (opts: Partial<ReconcileOptions> = {}) => new Reconciler(ctx, {
  // By default every job's submit is still in the queue: only the tests about stalled jobs say otherwise.
  graceMs: 0, pendingGraceMs: 0, isQueued: async () => true, now: Date.now, ...opts,
});

/** A job record in `state` (walked there through allowed moves). */
async function jobIn(state: JobState, spec: Record<string, unknown> = shellJob('ra', 'sleep 30')): Promise<string> {
  const parsed = parseJobSpec(spec);
  assert.ok(parsed.ok);
  const id = `job_${ulid()}`;
  await ctx.store.create({ id, spec: parsed.spec, principal: 'test', timeoutSeconds: 3600, idempotency: null });
  const path: JobState[] = { QUEUED: [], SUBMITTING: ['PREFLIGHT', 'SUBMITTING'], RUNNING: ['PREFLIGHT', 'SUBMITTING', 'RUNNING'], FAILED: ['FAILED'] }[state as 'QUEUED'] ?? [];
  for (const s of path) assert.equal((await ctx.store.transition(id, s)).outcome, 'ok');
  return id;
}

/** An application on the emulator carrying `jobId`'s tags, as Sluice (or a MapReduce child) would submit it. */
async function appFor(jobId: string, opts: { type?: string; ns?: string } = {}): Promise<string> {
  const { applicationId } = await ctx.rm.newApplication();
  const parsed = parseJobSpec(shellJob('ra', 'sleep 30'));
  assert.ok(parsed.ok);
  const script = await ctx.staging.stage(jobId, `launch-${applicationId}.sh`, launchScriptFor(jobId, parsed.spec, ctx.region, stack.ns));
  const submission = buildDistributedShellSubmission({ jobId, applicationId, name: 'rec', region: 'ra', namespace: stack.ns, queue: 'default', memoryMb: 128, vcores: 1, script }, ctx.am);
  await ctx.rm.submitApplication({ ...submission, type: opts.type ?? submission.type, tags: jobTags(jobId, 'ra', opts.ns ?? stack.ns) });
  await waitFor(async () => (await ctx.rm.getApplication(applicationId)).state === 'RUNNING', { what: `${applicationId} RUNNING` });
  return applicationId;
}

const appState = async (id: string) => (await ctx.rm.getApplication(id)).state;

test("an application whose job is unknown or ended is killed, but only after the grace period, and never another deployment's", async () => {
  const unknownJob = `job_${ulid()}`;
  const stray = await appFor(unknownJob);
  const othersJob = `job_${ulid()}`;
  const others = await appFor(othersJob, { ns: 'another-deployment' });
  const ended = await jobIn('FAILED');
  const late = await appFor(ended);

  const young = await reconciler({ graceMs: 3600_000 }).pass();
  assert.deepEqual(young.killed, []);
  assert.equal(await appState(stray), 'RUNNING');

  const report = await reconciler().pass();
  assert.deepEqual(report.killed.sort(), [stray, late].sort());
  await waitFor(async () => (await appState(stray)) === 'KILLED' && (await appState(late)) === 'KILLED', { what: 'both strays KILLED' });
  assert.equal(await appState(others), 'RUNNING', "another deployment's application is not ours to judge");
  await ctx.rm.kill(others, 'test done');
});

test('a job whose record lost its application adopts it: ACCEPTED and tracked', async () => {
  const id = await jobIn('SUBMITTING');
  const app = await appFor(id);
  const report = await reconciler().pass();
  assert.deepEqual(report.adopted, [id]);
  const job = (await ctx.store.get(id))!;
  assert.equal(job.state, 'ACCEPTED');
  assert.equal(job.applicationId, app);
  assert.ok((await ctx.store.trackedApplications('ra')).has(app));
  await ctx.rm.kill(app, 'test done');
});

test('a second Sluice application for one job (a duplicate) is killed; the job keeps its own', async () => {
  const id = await jobIn('SUBMITTING');
  const own = await appFor(id);
  await reconciler().pass(); // adopts the first one
  const duplicate = await appFor(id);
  const report = await reconciler().pass();
  assert.deepEqual(report.killed, [duplicate]);
  assert.equal((await ctx.store.get(id))!.applicationId, own);
  await ctx.rm.kill(own, 'test done');
});

test('submit retries ran out after YARN accepted: reconciliation tracks the application; never accepted: FAILED SUBMIT_FAILED', async () => {
  const accepted = await jobIn('SUBMITTING');
  const app = await appFor(accepted);
  await ctx.store.reserveApplicationId(accepted, app);
  await ctx.store.markForReconcile('ra', accepted);

  const never = await jobIn('SUBMITTING');
  await ctx.store.reserveApplicationId(never, (await ctx.rm.newApplication()).applicationId);
  await ctx.store.markForReconcile('ra', never);

  // Only the given-up jobs are looked at here: the listing pass would adopt `accepted` too.
  await reconciler().pass();
  const a = (await ctx.store.get(accepted))!;
  assert.equal(a.state, 'ACCEPTED');
  assert.ok((await ctx.store.trackedApplications('ra')).has(app), 'the application is tracked, not left to run unowned');
  const n = (await ctx.store.get(never))!;
  assert.equal(n.state, 'FAILED');
  assert.equal(n.error!.code, 'SUBMIT_FAILED');
  assert.deepEqual(await ctx.store.toReconcile('ra'), []);
  await ctx.rm.kill(app, 'test done');
});

test("a hadoop-jar job's MapReduce run shows on the job, and the job's kill takes it along", async () => {
  const id = await jobIn('RUNNING');
  const own = await appFor(id);
  await ctx.store.transition(id, null, {}, undefined, { track: { applicationId: own, submittedAtMs: Date.now() } });
  const child = await appFor(id, { type: 'MAPREDUCE' });
  const report = await reconciler().pass();
  assert.equal(report.children, 1);
  const shown = (await ctx.store.get(id))!.childApplications;
  assert.deepEqual(shown.map((c) => [c.id, c.type, c.state, c.finalStatus]), [[child, 'MAPREDUCE', 'RUNNING', 'UNDEFINED']]);
  assert.match(shown[0]!.trackingUrl ?? '', /^http/);
  assert.deepEqual(report.killed, [], 'a live job\'s child is not a stray');

  assert.deepEqual((await killJobApplications(ctx, id, 'cancelled', own)).map((a) => a.id), [child]);
  await waitFor(async () => (await appState(child)) === 'KILLED', { what: 'the child KILLED' });
  await reconciler().pass();
  assert.deepEqual((await ctx.store.get(id))!.childApplications.map((c) => [c.id, c.state, c.finalStatus]), [[child, 'KILLED', 'KILLED']]);
  await ctx.rm.kill(own, 'test done');
});

test('a job recorded but never queued ends FAILED ENQUEUE_FAILED; one still in the queue is left alone', async () => {
  const lost = await jobIn('QUEUED');
  const waiting = await jobIn('QUEUED');
  await reconciler({ isQueued: async (jobId) => jobId === waiting }).pass();
  const l = (await ctx.store.get(lost))!;
  assert.equal(l.state, 'FAILED');
  assert.equal(l.error!.code, 'ENQUEUE_FAILED');
  assert.equal((await ctx.store.get(waiting))!.state, 'QUEUED');
});

test('a submit that stopped for good (queue entry gone) is settled: tracked if YARN has it, KILLED if cancelled, else FAILED', async () => {
  // Submitted to YARN, then the worker's queue entry failed for good before it recorded ACCEPTED.
  const onYarn = await jobIn('SUBMITTING');
  const app = await appFor(onYarn);
  await ctx.store.reserveApplicationId(onYarn, app);
  const cancelled = await jobIn('SUBMITTING');
  await ctx.store.transition(cancelled, 'CANCELLING', { cancel: { requestedAt: new Date().toISOString(), by: 'tester', reason: 'r' } });
  const stopped = await jobIn('SUBMITTING');

  // Recorded long ago, per the pending watch list: every one of them is past the grace period.
  const report = await reconciler({ graceMs: 3600_000, isQueued: async () => false }).pass();
  assert.deepEqual(report.errors, []);
  const a = (await ctx.store.get(onYarn))!;
  assert.equal(a.state, 'ACCEPTED');
  assert.ok((await ctx.store.trackedApplications('ra')).has(app), 'its application is tracked, not left to run unowned');
  const c = (await ctx.store.get(cancelled))!;
  assert.deepEqual([c.state, c.killReason, c.error!.code], ['KILLED', 'cancelled', 'KILLED']);
  const s = (await ctx.store.get(stopped))!;
  assert.deepEqual([s.state, s.error!.code], ['FAILED', 'SUBMIT_FAILED']);
  await ctx.rm.kill(app, 'test done');
});

test('the RM away: the steps that need only Redis still run, and the pass says which failed', async () => {
  const lost = await jobIn('QUEUED');
  const emu = stack.emulators.get('ra')!;
  emu.injectFailure({ method: 'GET', pathPrefix: '/ws/v1/cluster/apps', status: 500, times: 20 });
  const report = await reconciler({ isQueued: async (jobId) => jobId !== lost }).pass();
  assert.equal(report.errors.length, 1, JSON.stringify(report.errors));
  assert.match(report.errors[0]!, /^applications: /);
  assert.equal((await ctx.store.get(lost))!.error!.code, 'ENQUEUE_FAILED');
  emu.clearFailures();
});
