// A real Hadoop YARN (test/support/real-yarn.ts), checked against what Sluice relies on (YARN.md):
// the REST answers as Hadoop 3.4 really gives them, Distributed Shell jobs built exactly as Sluice
// builds them, kill, an RM restart, and `hadoop jar` inside a job's container.
//
// Not part of `npm test` (it needs Java and ~1.5 min): run it with
//   node --import tsx --test --test-concurrency=1 test/yarn/real-yarn.test.ts

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { Agent } from 'undici';
import { ulid } from 'ulid';
import { launchScriptFor } from '../../src/queue/job-launch.ts';
import { FileStagingStore, JOB_SCRIPT, renderLaunchScript } from '../../src/staging/index.ts';
import { buildDistributedShellSubmission, jobTag, type DistributedShellAm } from '../../src/yarn/distributed-shell.ts';
import { ResourceManagerClient } from '../../src/yarn/resource-manager-client.ts';
import type { YarnApplication } from '../../src/yarn/resource-manager.ts';
import { processWithMarkerAlive } from '../support/processes.ts';
import { javaAvailable, startRealYarn, type RealYarn } from '../support/real-yarn.ts';

const USER = 'sluice';
const TERMINAL = ['FINISHED', 'FAILED', 'KILLED'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('real YARN', { skip: javaAvailable() ? false : 'needs Java 17 and Maven' }, () => {
  let yarn: RealYarn;
  let rm: ResourceManagerClient;
  let am: DistributedShellAm;
  let staging: FileStagingStore;
  let stagingDir: string;
  const dispatcher = new Agent();

  before(async () => {
    yarn = await startRealYarn({ log: () => {} });
    rm = new ResourceManagerClient({ resourceManagers: [yarn.rmUrl], user: USER, dispatcher });
    const s = statSync(yarn.distributedShellJar);
    am = {
      jar: { resource: pathToFileURL(yarn.distributedShellJar).href, type: 'FILE', visibility: 'APPLICATION', size: s.size, timestamp: Math.floor(s.mtimeMs) },
      classpath: yarn.amClasspath,
      memoryMb: 256,
    };
    stagingDir = mkdtempSync(join(tmpdir(), 'sluice-real-yarn-staging-'));
    staging = new FileStagingStore(stagingDir);
  });
  after(async () => {
    await yarn?.stop();
    await dispatcher.close();
    rmSync(stagingDir, { recursive: true, force: true });
  });

  /** Raw REST, for the facts the client hides. */
  async function rest(method: string, path: string, opts: { user?: string | null; body?: unknown } = {}) {
    const user = opts.user === undefined ? USER : opts.user;
    const url = `${yarn.rmUrl}${path}${user ? `${path.includes('?') ? '&' : '?'}user.name=${user}` : ''}`;
    const res = await fetch(url, {
      method,
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await res.text();
    let json: any;
    try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
    return { status: res.status, location: res.headers.get('location'), text, json };
  }

  async function submitShell(script: string, opts: { memoryMb?: number; argv?: string[]; launch?: string } = {}) {
    const jobId = `job_${ulid()}`;
    const { applicationId } = await rm.newApplication();
    const content = opts.launch ?? renderLaunchScript({ jobId, script, argv: opts.argv ?? [JOB_SCRIPT], env: { TARGET: 'prod' } });
    const staged = await staging.stage(jobId, 'launch.sh', content);
    const submission = buildDistributedShellSubmission({
      jobId, applicationId, name: 'real-yarn test', region: 'local', namespace: 'real-yarn-test', queue: 'default',
      memoryMb: opts.memoryMb ?? 128, vcores: 1, script: staged,
    }, am);
    await rm.submitApplication(submission);
    return { jobId, applicationId, submission, staged };
  }

  async function until(id: string, done: (a: YarnApplication) => boolean, ms = 60_000): Promise<YarnApplication> {
    const deadline = Date.now() + ms;
    for (;;) {
      const app = await rm.getApplication(id);
      if (done(app)) return app;
      if (Date.now() > deadline) throw new Error(`${id}: still ${app.state}/${app.finalStatus} after ${ms} ms: ${app.diagnostics}`);
      await sleep(250);
    }
  }
  const ended = (a: YarnApplication) => TERMINAL.includes(a.state);

  /**
   * The job's container log: <log-dirs>/<app>/<container>/<file>, the container that is not the AM's
   * (no AppMaster.stderr). Usually the AM's id + 1, but not always: a container allocated after an
   * RM restart carries the new epoch and numbering, e.g. container_e01_<ts>_<app>_01_000001.
   */
  function jobLog(appId: string, file: 'stdout' | 'stderr'): string {
    const dir = join(yarn.nmLogDir, appId);
    const containers = readdirSync(dir).filter((c) => !readdirSync(join(dir, c)).includes('AppMaster.stderr'));
    assert.equal(containers.length, 1, `job containers in ${dir}: ${readdirSync(dir)}`);
    return readFileSync(join(dir, containers[0]!, file), 'utf8');
  }

  test('starts: Hadoop 3.4.x, ACTIVE, one NodeManager', async () => {
    assert.match(yarn.hadoopVersion, /^3\.4\.\d+$/);
    const info = await rm.clusterInfo();
    assert.equal(info.haState, 'ACTIVE');
    assert.equal(info.resourceManagerVersion, yarn.hadoopVersion);
    const { json } = await rest('GET', '/ws/v1/cluster/metrics', { user: null });
    assert.equal(json.clusterMetrics.activeNodes, 1);
    assert.equal(json.clusterMetrics.totalMB, 8192);
    assert.equal(json.clusterMetrics.totalVirtualCores, 8);
  });

  test('REST: new-application, empty lists, 400s, unknown queue, tags, user.name', async () => {
    const fresh = await rest('POST', '/ws/v1/cluster/apps/new-application');
    assert.equal(fresh.status, 200);
    assert.match(fresh.json['application-id'], /^application_\d+_\d{4}$/);
    assert.deepEqual(
      [fresh.json['maximum-resource-capability'].memory, fresh.json['maximum-resource-capability'].vCores], [8192, 8]);

    // An empty list is {"apps":{}} (not null), reads need no user.name.
    const none = await rest('GET', `/ws/v1/cluster/apps?applicationTags=none-${ulid().toLowerCase()}`, { user: null });
    assert.deepEqual(none.json, { apps: {} });

    const body = (id: string, extra: Record<string, unknown> = {}) => ({
      'application-id': id, 'application-name': 'probe', 'application-type': 'SLUICE', queue: 'default',
      'max-app-attempts': 1, resource: { memory: 128, vCores: 1 },
      'am-container-spec': { commands: { command: 'sleep 60' } }, ...extra,
    });
    const bad = async (b: unknown) => {
      const r = await rest('POST', '/ws/v1/cluster/apps', { body: b });
      assert.equal(r.status, 400, r.text);
      return r.json.RemoteException.message as string;
    };
    const id = (await rm.newApplication()).applicationId;
    assert.match(await bad(body('foo')), /Could not parse application id foo/);
    assert.match(await bad(body(id, { resource: { memory: 9000, vCores: 1 } })), /Requested more memory than configured max/);
    assert.match(await bad(body(id, { resource: { memory: 128, vCores: 9 } })), /Requested more cores than configured max/);
    assert.match(await bad(body(id, { 'application-tags': { tag: Array.from({ length: 11 }, (_, i) => `t${i}`) } })), /Too many applicationTags, a maximum of only 10/);
    assert.match(await bad(body(id, { 'application-tags': { tag: ['x'.repeat(101)] } })), /maximum allowed length of a tag is 100/);
    assert.match(await bad(body(id, { 'application-tags': { tag: ['café'] } })), /A tag can only have ASCII characters/);
    assert.equal((await rest('GET', `/ws/v1/cluster/apps/${id}`)).status, 404, 'a refused submit leaves no app');

    // Unknown queue: 202, then FAILED with the queue named; no trackingUrl.
    const q = (await rm.newApplication()).applicationId;
    const queued = await rest('POST', '/ws/v1/cluster/apps', { body: body(q, { queue: 'nosuchqueue' }) });
    assert.equal(queued.status, 202);
    const qa = await until(q, ended, 10_000);
    assert.deepEqual([qa.state, qa.finalStatus], ['FAILED', 'FAILED']);
    assert.equal(qa.diagnostics, `Application ${q} submitted by user ${USER} to unknown queue: nosuchqueue`);

    // Tags: lowercased, one comma-joined string; the filter matches ANY tag, case-insensitively.
    const t = (await rm.newApplication()).applicationId;
    const tagged = await rest('POST', '/ws/v1/cluster/apps', { body: body(t, { 'application-tags': { tag: ['Sluice-Probe', `Only-${t}`] } }) });
    assert.equal(tagged.status, 202);
    assert.equal(tagged.location, `${yarn.rmUrl}/ws/v1/cluster/apps/${t}`);
    const again = await rest('POST', '/ws/v1/cluster/apps', { body: body(t, { 'application-tags': { tag: ['Sluice-Probe', `Only-${t}`] } }) });
    assert.equal(again.status, 202, 'same id again: 202');
    const got = await rest('GET', `/ws/v1/cluster/apps/${t}`);
    // One comma-joined string, lowercased, in no particular order (a set).
    assert.deepEqual(got.json.app.applicationTags.split(',').sort(), [`only-${t}`, 'sluice-probe']);
    assert.equal(got.json.app.queue, 'root.default', 'the CapacityScheduler reports the queue by its full path');
    assert.equal(got.json.app.user, USER);
    const any = await rest('GET', `/ws/v1/cluster/apps?applicationTags=NO-SUCH,ONLY-${t.toUpperCase()}`);
    assert.deepEqual(any.json.apps.app.map((a: { id: string }) => a.id), [t]);

    // Without user.name (Hadoop's default web auth): a write is done as "dr.who", not refused.
    const anon = (await rm.newApplication()).applicationId;
    assert.equal((await rest('POST', '/ws/v1/cluster/apps', { user: null, body: body(anon) })).status, 202);
    assert.equal((await rest('GET', `/ws/v1/cluster/apps/${anon}`)).json.app.user, 'dr.who');

    // Kill: only KILLED is a target; 202 (body: some state, e.g. KILLING or RUNNING) then 200 KILLED.
    assert.equal((await rest('PUT', `/ws/v1/cluster/apps/${anon}/state`, { body: { state: 'RUNNING' } })).status, 400);
    for (const app of [t, anon]) assert.equal(await rm.kill(app, 'test over', { pollMs: 200 }), 'KILLED');
    assert.deepEqual((await rest('PUT', `/ws/v1/cluster/apps/${q}/state`, { body: { state: 'KILLED' } })).json, { state: 'FAILED' });
  });

  test('Distributed Shell as Sluice builds it: exit 0 → FINISHED/SUCCEEDED, output in the NM log dir', async () => {
    const { jobId, applicationId, staged } = await submitShell('echo "out $1 [$2] $TARGET"; pwd; echo "$0"; echo err >&2', { argv: [JOB_SCRIPT, 'a b', "c'd"] });
    const app = await until(applicationId, ended);
    assert.deepEqual([app.state, app.finalStatus], ['FINISHED', 'SUCCEEDED'], app.diagnostics);
    assert.deepEqual(app.tags.sort(), [jobTag(jobId), 'sluice', 'sluice-region-local'].sort());
    const [out, cwd] = jobLog(applicationId, 'stdout').split('\n');
    assert.equal(out, "out a b [c'd] prod");
    assert.match(cwd!, new RegExp(`/nm-local/usercache/${USER}/appcache/${applicationId}/container_\\d+_\\d+_01_000002$`));
    assert.equal(jobLog(applicationId, 'stderr'), 'err\n');
    // The NM's REST log endpoint wraps the file in a header and a trailer (format=text or
    // octet-stream alike); size=-N is the last N bytes of the file.
    const nm = new URL(app.amContainerLogs!).host;
    const container = readdirSync(join(yarn.nmLogDir, applicationId)).find((c) => !c.endsWith('_000001'))!;
    const logRes = await fetch(`http://${nm}/ws/v1/node/containerlogs/${container}/stderr?user.name=${USER}`);
    assert.equal(logRes.status, 200);
    assert.match(await logRes.text(), new RegExp(
      `^Container: ${container} on [^\\n]+\\nLogAggregationType: LOCAL\\n=+\\nLogType:stderr\\nLogLastModifiedTime:[^\\n]+\\nLogLength:4\\nLogContents:\\nerr\\nEnd of LogType:stderr\\.\\n\\*+\\n\\n$`));
    const missing = await fetch(`http://${nm}/ws/v1/node/containerlogs/${container}/nosuch?user.name=${USER}`);
    assert.equal(missing.status, 404);
    assert.match(await missing.text(), /Cannot find this log on the local disk/);
    // The AM renamed the staged script to <name>.sh before localizing it.
    const stagedPath = new URL(staged.url).pathname;
    assert.deepEqual(readdirSync(join(stagedPath, '..')), ['launch.sh.sh']);
  });

  test('exit 3 → FINISHED/FAILED, the exit code and stderr tail in diagnostics', async () => {
    const { applicationId } = await submitShell('echo oops >&2; exit 3');
    const app = await until(applicationId, ended);
    assert.deepEqual([app.state, app.finalStatus], ['FINISHED', 'FAILED']);
    assert.match(app.diagnostics, /^Application Failure: desired = 1, completed = 1, allocated = 1, failed = 1, diagnostics = /);
    assert.match(app.diagnostics, /Exit code: 3/);
    assert.match(app.diagnostics, /Last 4096 bytes of stderr :\noops\n/);
  });

  test('a job above its memory is killed by the NM: FINISHED/FAILED, "beyond the \'PHYSICAL\' memory limit"', async () => {
    const { applicationId } = await submitShell(`python3 -c "x = b'1' * (400 * 1024 * 1024); import time; time.sleep(10)"`, { memoryMb: 128 });
    const app = await until(applicationId, ended);
    assert.deepEqual([app.state, app.finalStatus], ['FINISHED', 'FAILED']);
    assert.match(app.diagnostics, /is running \d+B beyond the 'PHYSICAL' memory limit\. Current usage: [\d.]+ MB of 128 MB physical memory used/);
  });

  test('kill of a running job: 202 then 200 KILLED, its processes are gone', async () => {
    const marker = `sluice-real-yarn-${ulid()}`;
    const { applicationId } = await submitShell(`exec -a ${marker} sleep 300`);
    await until(applicationId, (a) => a.state === 'RUNNING' && processWithMarkerAlive(marker));
    assert.deepEqual(await rm.requestKill(applicationId, 'cancelled by test'), { done: false });
    assert.equal(await rm.kill(applicationId, 'cancelled by test', { pollMs: 200 }), 'KILLED');
    const app = await rm.getApplication(applicationId);
    assert.deepEqual([app.state, app.finalStatus], ['KILLED', 'KILLED']);
    assert.match(app.diagnostics, new RegExp(`killed by user ${USER} with diagnostic message: cancelled by test`));
    const deadline = Date.now() + 10_000;
    while (processWithMarkerAlive(marker) && Date.now() < deadline) await sleep(200);
    assert.equal(processWithMarkerAlive(marker), false);
    assert.deepEqual(await rm.requestKill(applicationId, 'again'), { done: true, state: 'KILLED' });
  });

  test('RM restart (SIGKILL) keeps applications; a running job goes on to SUCCEEDED', async () => {
    const done = await submitShell('echo before-restart');
    await until(done.applicationId, ended);
    const marker = `sluice-real-yarn-${ulid()}`;
    const running = await submitShell(`(exec -a ${marker} sleep 8); echo survived`);
    await until(running.applicationId, (a) => a.state === 'RUNNING' && processWithMarkerAlive(marker));
    await yarn.killRm('SIGKILL');
    await yarn.startRm();
    const kept = await rm.getApplication(done.applicationId);
    assert.deepEqual([kept.state, kept.finalStatus], ['FINISHED', 'SUCCEEDED']);
    assert.deepEqual((await rm.listApplications({ tags: [jobTag(done.jobId)] })).map((a) => a.id), [done.applicationId]);
    const app = await until(running.applicationId, ended, 90_000);
    assert.deepEqual([app.state, app.finalStatus], ['FINISHED', 'SUCCEEDED'], app.diagnostics);
    assert.equal(jobLog(running.applicationId, 'stdout'), 'survived\n');
  });

  test('hadoop jar in a job container: the examples\' pi runs on this YARN', async () => {
    const jobId = `job_${ulid()}`;
    const launch = launchScriptFor(jobId, {
      kind: 'hadoop-jar', region: 'local', name: 'pi', jar: yarn.mapreduceExamplesJar,
      args: ['pi', `-Dmapreduce.job.tags=${jobTag(jobId)}-mr`, '2', '10'], childTagsAt: null, env: {}, resources: {}, requires: [], labels: {},
    }, { yarn: { hadoopJarCommand: yarn.hadoopJarCommand } } as never, 'real-yarn-test');
    // The `hadoop jar` client JVM (-Xmx256m by the shim) stays well under 256 MB for pi.
    const { applicationId } = await submitShell('', { launch, memoryMb: 256 });
    const app = await until(applicationId, ended, 120_000);
    assert.deepEqual([app.state, app.finalStatus], ['FINISHED', 'SUCCEEDED'], `${app.diagnostics}\n${jobLog(applicationId, 'stderr').slice(-3000)}`);
    assert.match(jobLog(applicationId, 'stdout'), /Estimated value of Pi is 3\.8/);
    // The MapReduce job is an application of its own, tagged through -Dmapreduce.job.tags.
    const [mr] = await rm.listApplications({ tags: [`${jobTag(jobId)}-mr`] });
    assert.deepEqual([mr?.state, mr?.finalStatus], ['FINISHED', 'SUCCEEDED']);
  });
});

describe('real YARN with requireUserName', { skip: javaAvailable() ? false : 'needs Java 17 and Maven' }, () => {
  let yarn: RealYarn;
  before(async () => { yarn = await startRealYarn({ requireUserName: true, log: () => {} }); });
  after(async () => { await yarn?.stop(); });

  test('every call without user.name answers 401, reads too; with it, 200', async () => {
    for (const [method, path] of [['GET', '/ws/v1/cluster/apps'], ['POST', '/ws/v1/cluster/apps/new-application']] as const) {
      const anon = await fetch(`${yarn.rmUrl}${path}`, { method });
      assert.equal(anon.status, 401);
      assert.equal(anon.headers.get('www-authenticate'), 'PseudoAuth');
      await anon.text();
      const named = await fetch(`${yarn.rmUrl}${path}?user.name=${USER}`, { method, headers: { accept: 'application/json' } });
      assert.equal(named.status, 200);
      await named.text();
    }
  });
});
