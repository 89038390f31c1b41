// The ResourceManager contract: the same scenarios, through Sluice's own REST client, against the
// in-repo emulator and against a real Hadoop ResourceManager + NodeManager. Where they differ,
// the emulator is wrong. Each target file calls defineContract() with its own set-up.

import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { Agent, request } from 'undici';
import { ulid } from 'ulid';
import { JOB_SCRIPT, FileStagingStore, renderLaunchScript } from '../../src/staging/index.ts';
import { buildDistributedShellSubmission, jobTag, type DistributedShellAm } from '../../src/yarn/distributed-shell.ts';
import { findJobContainer, readContainerLog } from '../../src/yarn/container-logs.ts';
import { YarnError } from '../../src/yarn/errors.ts';
import { ResourceManagerClient } from '../../src/yarn/resource-manager-client.ts';
import type { YarnApplication } from '../../src/yarn/resource-manager.ts';

export interface ContractTarget {
  rmUrl: string;
  amJar: string;
  amClasspath: string;
  /** Upper bound for an app to go from submit to FINISHED (a JVM AM takes seconds). */
  finishWithinMs: number;
  /** Is the job's script process still running? (real: by its marker in /proc; emulator: its API) */
  processAlive(appId: string, marker: string): boolean;
  stop(): Promise<void>;
}

export function defineContract(name: string, start: () => Promise<ContractTarget>): void {
  describe(`ResourceManager contract: ${name}`, () => {
    let target: ContractTarget;
    let rm: ResourceManagerClient;
    let am: DistributedShellAm;
    let staging: FileStagingStore;
    const dispatcher = new Agent();

    before(async () => {
      target = await start();
      rm = new ResourceManagerClient({ resourceManagers: [target.rmUrl], user: 'sluice', dispatcher });
      const s = statSync(target.amJar);
      am = { jar: { resource: pathToFileURL(target.amJar).href, type: 'FILE', visibility: 'APPLICATION', size: s.size, timestamp: Math.floor(s.mtimeMs) }, classpath: target.amClasspath, memoryMb: 256 };
      staging = new FileStagingStore(mkdtempSync(join(tmpdir(), 'sluice-contract-')));
    });
    after(async () => { await target?.stop(); await dispatcher.close(); });

    async function submit(script: string, opts: { tags?: string[]; appId?: string; queue?: string; jobId?: string; type?: string } = {}) {
      const jobId = opts.jobId ?? `job_${ulid()}`;
      const applicationId = opts.appId ?? (await rm.newApplication()).applicationId;
      const staged = await staging.stage(jobId, `launch-${applicationId}.sh`, renderLaunchScript({ jobId, script, argv: [JOB_SCRIPT], env: {} }));
      const submission = buildDistributedShellSubmission({ jobId, applicationId, name: 'contract', region: 'contract', namespace: 'contract', queue: opts.queue ?? 'default', memoryMb: 128, vcores: 1, script: staged }, am);
      if (opts.tags) submission.tags.push(...opts.tags);
      if (opts.type) submission.type = opts.type;
      await rm.submitApplication(submission);
      return { jobId, applicationId, submission };
    }

    async function until(appId: string, done: (a: YarnApplication) => boolean, ms = target.finishWithinMs): Promise<YarnApplication> {
      const deadline = Date.now() + ms;
      const seen: string[] = [];
      for (;;) {
        const app = await rm.getApplication(appId);
        if (seen.at(-1) !== app.state) seen.push(app.state);
        if (done(app)) return Object.assign(app, { seen });
        if (Date.now() > deadline) throw new Error(`${appId}: still ${app.state}/${app.finalStatus} after ${ms} ms (${seen}) ${app.diagnostics}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const finished = (a: YarnApplication) => ['FINISHED', 'FAILED', 'KILLED'].includes(a.state);

    test('new-application gives an id and the maximum resources', async () => {
      const app = await rm.newApplication();
      assert.match(app.applicationId, /^application_\d+_\d{4,}$/);
      assert.ok(app.maximumResource.memoryMb >= 1024);
      assert.ok(app.maximumResource.vcores >= 1);
    });

    test('exit 0: ACCEPTED/RUNNING then FINISHED/SUCCEEDED; tags lowercased; list by tag finds it', async () => {
      const { jobId, applicationId } = await submit('echo contract-ok', { tags: ['Mixed-Case-Tag'] });
      const app = await until(applicationId, finished) as YarnApplication & { seen: string[] };
      assert.equal(app.state, 'FINISHED');
      assert.equal(app.finalStatus, 'SUCCEEDED');
      assert.ok(app.tags.includes('mixed-case-tag'), `tags ${app.tags}`);
      assert.ok(app.tags.includes(jobTag(jobId)));
      const byTag = await rm.listApplications({ tags: [jobTag(jobId)] });
      assert.deepEqual(byTag.map((a) => a.id), [applicationId]);
      const byUpper = await rm.listApplications({ tags: ['MIXED-CASE-TAG'] });
      assert.ok(byUpper.some((a) => a.id === applicationId));
    });

    test("the job container's stdout and stderr, from the NodeManager, after the end", async () => {
      const { applicationId } = await submit('echo "to stdout"; echo "to stderr" >&2');
      const app = await until(applicationId, finished);
      const access = { dispatcher, user: 'sluice' };
      const container = await findJobContainer(app, access);
      assert.ok(container, `no container found from ${app.amContainerLogs}`);
      assert.equal(await readContainerLog({ ...access, container, file: 'stdout', tailBytes: 65536 }), 'to stdout\n');
      assert.equal(await readContainerLog({ ...access, container, file: 'stderr', tailBytes: 65536 }), 'to stderr\n');
      await assert.rejects(readContainerLog({ ...access, container, file: 'no-such-file', tailBytes: 10 }), (err: unknown) => err instanceof YarnError && err.code === 'LOG_NOT_FOUND');
    });

    test('the same application id submitted again: 202 and no second application', async () => {
      const { jobId, applicationId, submission } = await submit('sleep 2');
      await rm.submitApplication(submission);
      const byTag = await rm.listApplications({ tags: [jobTag(jobId)] });
      assert.deepEqual(byTag.map((a) => a.id), [applicationId]);
      await until(applicationId, finished);
    });

    test('exit 3: FINISHED/FAILED with diagnostics', async () => {
      const { applicationId } = await submit('echo failing >&2; exit 3');
      const app = await until(applicationId, finished);
      assert.equal(app.state, 'FINISHED');
      assert.equal(app.finalStatus, 'FAILED');
      assert.match(app.diagnostics, /Exit code: 3/);
      assert.match(app.diagnostics, /failing/);
    });

    test('kill: 202 while in progress, then 200 KILLED; the process is gone; list by states', async () => {
      const marker = `sluice-contract-${ulid()}`;
      const { applicationId } = await submit(`exec -a ${marker} sleep 120`);
      await until(applicationId, (a) => a.state === 'RUNNING' && target.processAlive(applicationId, marker));
      const running = await rm.listApplications({ states: ['RUNNING'], tags: ['sluice'] });
      assert.ok(running.some((a) => a.id === applicationId));
      const first = await rm.requestKill(applicationId, 'contract kill');
      assert.equal(first.done, false, 'the first kill of a running app answers 202');
      assert.equal(await rm.kill(applicationId, 'contract kill', { pollMs: 200 }), 'KILLED');
      const app = await until(applicationId, finished, 30_000);
      assert.equal(app.state, 'KILLED');
      assert.equal(app.finalStatus, 'KILLED');
      const deadline = Date.now() + 10_000;
      while (target.processAlive(applicationId, marker) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      assert.equal(target.processAlive(applicationId, marker), false);
    });

    // A job's children (a Spark application, a MapReduce run) are other applications carrying the
    // job's tags: the tracker finds them in its two lists (tag "sluice", live states; finished
    // since a time) and a cancel finds them by the job's tag, apart from the job's own application.
    test("child applications: listed by the job's tag with their type and tracking URL, killed apart, in the finished list", async () => {
      const own = await submit('sleep 120');
      const child = await submit('sleep 120', { jobId: own.jobId, type: 'SPARK' });
      const failing = await submit('echo child-broke >&2; exit 2', { jobId: own.jobId, type: 'SPARK' });
      const since = Date.now() - 60_000;
      await until(child.applicationId, (a) => a.state === 'RUNNING');
      const live = await rm.listApplications({ tags: ['sluice'], states: ['NEW', 'NEW_SAVING', 'SUBMITTED', 'ACCEPTED', 'RUNNING'] });
      const listed = live.find((a) => a.id === child.applicationId);
      assert.ok(listed, 'the live list names the child');
      assert.equal(listed.applicationType, 'SPARK');
      assert.ok(listed.tags.includes(jobTag(own.jobId)));
      assert.match(listed.trackingUrl ?? '', /^http:\/\/.+\/proxy\/application_\d+_\d+\/?$/, 'a running application\'s tracking URL is the RM proxy');
      const byTag = await rm.listApplications({ tags: [jobTag(own.jobId)], states: ['NEW', 'NEW_SAVING', 'SUBMITTED', 'ACCEPTED', 'RUNNING'] });
      assert.ok(byTag.some((a) => a.id === own.applicationId) && byTag.some((a) => a.id === child.applicationId));
      assert.equal(await rm.kill(child.applicationId, 'contract: the child first', { pollMs: 200 }), 'KILLED');
      assert.equal((await rm.getApplication(own.applicationId)).state, 'RUNNING', 'killing a child leaves the job\'s own application running');
      const broke = await until(failing.applicationId, finished);
      assert.equal(broke.finalStatus, 'FAILED');
      const ended = await rm.listApplications({ tags: ['sluice'], states: ['FINISHED', 'FAILED', 'KILLED'], finishedTimeBegin: since });
      const byId = new Map(ended.map((a) => [a.id, a]));
      assert.deepEqual([byId.get(child.applicationId)?.state, byId.get(child.applicationId)?.finalStatus], ['KILLED', 'KILLED']);
      assert.deepEqual([byId.get(failing.applicationId)?.state, byId.get(failing.applicationId)?.finalStatus], ['FINISHED', 'FAILED']);
      assert.match(byId.get(failing.applicationId)!.diagnostics, /Exit code: 2/);
      await rm.kill(own.applicationId, 'contract done', { pollMs: 200 });
    });

    test('kill of a finished application answers 200 with its own final state', async () => {
      const { applicationId } = await submit('true');
      await until(applicationId, finished);
      const result = await rm.requestKill(applicationId, 'too late');
      // The PUT reports the RM's internal state: FINISHING while the AM container exits, then FINISHED.
      assert.equal(result.done, true);
      assert.ok(result.done && ['FINISHED', 'FINISHING'].includes(result.state), JSON.stringify(result));
      assert.equal((await rm.getApplication(applicationId)).finalStatus, 'SUCCEEDED');
    });

    test('an unknown application: APP_NOT_FOUND', async () => {
      const unknown = (await rm.newApplication()).applicationId.replace(/_(\d+)$/, '_9999');
      await assert.rejects(rm.getApplication(unknown), (err: unknown) => err instanceof YarnError && err.code === 'APP_NOT_FOUND');
    });

    test('a write without user.name: 401', async () => {
      const res = await request(`${target.rmUrl}/ws/v1/cluster/apps/new-application`, { method: 'POST', dispatcher });
      assert.equal(res.statusCode, 401);
      await res.body.text();
    });

    test("the scheduler's queues: default, by its short name and by its full path", async () => {
      assert.deepEqual(await rm.leafQueues(), { names: ['default', 'root.default'] });
    });

    test('a queue named by its full path (root.default): runs there', async () => {
      const { applicationId } = await submit('echo full-path', { queue: 'root.default' });
      const app = await until(applicationId, finished);
      assert.equal(app.finalStatus, 'SUCCEEDED', app.diagnostics);
      assert.equal(app.queue, 'root.default');
    });

    test('a queue the RM does not have: the submit answers 202, then the app fails without running', async () => {
      // The scheduler decides after the app is saved: no submit error, a FAILED app instead.
      const { applicationId } = await submit('echo never-runs', { queue: 'no-such-queue' });
      const app = await until(applicationId, finished);
      assert.equal(app.state, 'FAILED');
      assert.equal(app.finalStatus, 'FAILED');
      assert.equal(app.diagnostics, `Application ${applicationId} submitted by user sluice to unknown queue: no-such-queue`);
      assert.equal(app.queue, 'no-such-queue');
      assert.equal(app.trackingUrl, null);
      assert.equal(app.amContainerLogs, null, 'no AM container was ever launched');
    });

    test('a parent queue (root): 202, then the app fails as submitted to a non-leaf queue', async () => {
      const { applicationId } = await submit('echo never-runs', { queue: 'root' });
      const app = await until(applicationId, finished);
      assert.equal(app.state, 'FAILED');
      assert.equal(app.diagnostics, `Application ${applicationId} submitted by user : sluice to non-leaf queue : root`);
      assert.equal(app.trackingUrl, null);
    });

    test('an empty queue name: the submit itself is refused (400)', async () => {
      await assert.rejects(submit('echo never-runs', { queue: '' }), (err: unknown) => err instanceof YarnError && err.code === 'BAD_REQUEST'
        && /Failed to place application application_\d+_\d+ in a queue and submit context queue is null or empty/.test(err.message));
    });

    test('an empty list answers no applications', async () => {
      assert.deepEqual(await rm.listApplications({ tags: [`no-such-tag-${ulid().toLowerCase()}`] }), []);
    });
  });
}
