// The RM emulator over real HTTP: the REST subset Sluice uses, Distributed Shell semantics, and the
// test controls. Run: node --import tsx --test test/integration/rm-emulator.test.ts

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm as rmDir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { request } from 'undici';
import { startRmEmulator, type RmEmulator } from '../../src/emulator/index.ts';
import { waitFor } from '../support/wait-for.ts';
import { callRm, type RmAnswer } from '../support/rm-http.ts';

const CLUSTER_TS = 1718000000000;
const APPS = '/ws/v1/cluster/apps';
const AM_COMMAND = '{{JAVA_HOME}}/bin/java -Xmx128m <ADD_OPENS> org.apache.hadoop.yarn.applications.distributedshell.ApplicationMaster'
  + ' --container_memory 128 --container_vcores 1 --num_containers 1 --priority 0';

let rm: RmEmulator;
let staging: string;

const call = (method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<RmAnswer> => callRm(rm.url, method, path, body);

let scriptCount = 0;
/** Writes a script as Sluice's staging would: LEN = its size, TIMESTAMP = its mtime in whole ms. */
async function stageScript(content: string) {
  const path = join(staging, `script-${++scriptCount}`);
  await writeFile(path, content);
  const s = await stat(path);
  return { path, location: pathToFileURL(path).href, len: String(s.size), timestamp: String(Math.floor(s.mtimeMs)) };
}

async function newAppId(): Promise<string> {
  const res = await call('POST', `${APPS}/new-application?user.name=alice`);
  assert.equal(res.status, 200);
  return res.json['application-id'];
}

function submission(id: string, script: Awaited<ReturnType<typeof stageScript>>, opts: {
  tags?: string[]; queue?: string; memory?: number; env?: Record<string, string | undefined>; amArgs?: string;
} = {}) {
  const env: Record<string, string | undefined> = {
    CLASSPATH: './*',
    DISTRIBUTEDSHELLSCRIPTLOCATION: script.location,
    DISTRIBUTEDSHELLSCRIPTLEN: script.len,
    DISTRIBUTEDSHELLSCRIPTTIMESTAMP: script.timestamp,
    ...opts.env,
  };
  return {
    'application-id': id,
    'application-name': 'emulator-test',
    'application-type': 'SLUICE',
    queue: opts.queue ?? 'default',
    'max-app-attempts': 1,
    'application-tags': { tag: opts.tags ?? ['sluice'] },
    resource: { memory: opts.memory ?? 256, vCores: 1 },
    'am-container-spec': {
      'local-resources': { entry: [] },
      environment: {
        entry: Object.entries(env).filter(([, v]) => v !== undefined).map(([key, value]) => ({ key, value })),
      },
      commands: { command: `${AM_COMMAND} ${opts.amArgs ?? ''} 1><LOG_DIR>/AppMaster.stdout 2><LOG_DIR>/AppMaster.stderr` },
    },
  };
}

async function submit(scriptText: string, opts: Parameters<typeof submission>[2] = {}): Promise<string> {
  const id = await newAppId();
  const res = await call('POST', `${APPS}?user.name=alice`, submission(id, await stageScript(scriptText), opts));
  assert.equal(res.status, 202, res.text);
  return id;
}

async function waitForApp(id: string, done: (app: any) => boolean, timeoutMs = 5000): Promise<any> {
  let state: unknown;
  return waitFor(async () => {
    const res = await call('GET', `${APPS}/${id}`);
    assert.equal(res.status, 200, res.text);
    state = res.json.app.state;
    return done(res.json.app) && res.json.app;
  }, { what: `app ${id} to get there`, timeoutMs, intervalMs: 20, detail: () => `app ${id} still ${state}` });
}

/**
 * Until the RM's internal state is final. GET /apps/{id} already says FINISHED while the app is
 * FINISHING (AM unregistered, its container not gone yet); …/state and a kill's 200 say FINISHING.
 */
async function waitForEnd(id: string): Promise<any> {
  await waitFor(async () => ['FINISHED', 'FAILED', 'KILLED'].includes((await call('GET', `${APPS}/${id}/state`)).json.state),
    { what: `app ${id}'s internal state final`, timeoutMs: 5000, intervalMs: 20 });
  return (await call('GET', `${APPS}/${id}`)).json.app;
}

before(async () => {
  staging = await mkdtemp(join(tmpdir(), 'rm-emulator-test-'));
  rm = await startRmEmulator({ clusterTimestamp: CLUSTER_TS, acceptDelayMs: 10 });
});

after(async () => {
  await rm.close();
  await rmDir(staging, { recursive: true, force: true });
});

describe('new application and auth', () => {
  test('new-application returns an id and the maximum resource', async () => {
    const res = await call('POST', `${APPS}/new-application?user.name=alice`);
    assert.equal(res.status, 200);
    assert.match(res.json['application-id'], new RegExp(`^application_${CLUSTER_TS}_\\d{4}$`));
    assert.equal(res.json['maximum-resource-capability'].memory, 8192);
    assert.equal(res.json['maximum-resource-capability'].vCores, 8);
  });

  test('writes without user.name are 401 AuthorizationException; reads are not', async () => {
    for (const [method, path, body] of [
      ['POST', `${APPS}/new-application`, undefined],
      ['POST', APPS, {}],
      ['PUT', `${APPS}/application_${CLUSTER_TS}_0001/state`, { state: 'KILLED' }],
    ] as const) {
      const res = await call(method, path, body);
      assert.equal(res.status, 401, `${method} ${path}`);
      assert.deepEqual(res.json, { RemoteException: {
        exception: 'AuthorizationException',
        message: 'Unable to obtain user name, user not authenticated',
        javaClassName: 'org.apache.hadoop.security.authorize.AuthorizationException',
      } });
    }
    assert.equal((await call('GET', APPS)).status, 200);
    // Jersey's @Consumes comes first: a body that is not JSON is 415, before any user check.
    const text = await request(`${rm.url}${APPS}`, { method: 'POST', body: '{}', headers: { 'content-type': 'text/plain' } });
    await text.body.dump();
    assert.equal(text.statusCode, 415);
  });
});

describe('submit and run (Distributed Shell)', () => {
  test('submit answers 202 with Location; resubmitting the same id runs nothing more', async () => {
    const marker = join(staging, 'runs.txt');
    const id = await newAppId();
    const script = await stageScript('echo "run $YARN_SHELL_ID" >> "$MARKER"\necho hello\n');
    const body = submission(id, script, { amArgs: `--shell_env MARKER=${marker}` });
    const first = await call('POST', `${APPS}?user.name=alice`, body);
    assert.equal(first.status, 202);
    assert.equal(first.text, '');
    assert.equal(first.headers.location, `${rm.url}${APPS}/${id}`);
    const again = await call('POST', `${APPS}?user.name=alice`, body);
    assert.equal(again.status, 202);

    const app = await waitForEnd(id);
    assert.equal(app.state, 'FINISHED');
    assert.equal(app.finalStatus, 'SUCCEEDED');
    assert.equal(readFileSync(marker, 'utf8'), 'run 1\n', 'the script ran exactly once, with --shell_env set');
    const view = rm.application(id);
    assert.ok(view?.workDir && view.pid);
    assert.equal(readFileSync(join(view.workDir, 'stdout'), 'utf8'), 'hello\n');
    assert.ok(existsSync(`${script.path}.sh`), 'DS renames the staged script to <location>.sh');
    assert.equal((await call('GET', `${APPS}?applicationTags=sluice&user=alice`)).json.apps.app
      .filter((a: any) => a.id === id).length, 1);
  });

  test('exit 0 → FINISHED/SUCCEEDED with the RM\'s fields set', async () => {
    const id = await submit('exit 0\n');
    const app = await waitForEnd(id);
    assert.equal(app.state, 'FINISHED');
    assert.equal(app.finalStatus, 'SUCCEEDED');
    assert.equal(app.progress, 100);
    assert.equal(app.user, 'alice');
    assert.ok(app.startedTime > 0 && app.finishedTime >= app.startedTime);
    assert.match(app.trackingUrl, new RegExp(`/proxy/${id}/$`));
    assert.match(app.amContainerLogs, /\/node\/containerlogs\/container_\d+_\d{4}_01_000001\/alice$/);
    assert.deepEqual((await call('GET', `${APPS}/${id}/state`)).json, { state: 'FINISHED' });
  });

  test('exit 3 → FINISHED/FAILED with the DS AM\'s diagnostics', async () => {
    const id = await submit('echo oops >&2\nexit 3\n');
    const app = await waitForEnd(id);
    assert.equal(app.state, 'FINISHED');
    assert.equal(app.finalStatus, 'FAILED');
    assert.match(app.diagnostics, /^Application Failure: desired = 1, completed = 1, allocated = 1, failed = 1, diagnostics = \[/);
    assert.match(app.diagnostics, /Exit code: 3\n/);
    assert.match(app.diagnostics, /Last 4096 bytes of stderr :\noops\n/);
    assert.equal(readFileSync(join(rm.application(id)?.workDir ?? '', 'stderr'), 'utf8'), 'oops\n');
  });

  test('missing DISTRIBUTEDSHELLSCRIPTLEN: the AM crashes and the app FAILS', async () => {
    const id = await submit('exit 0\n', { env: { DISTRIBUTEDSHELLSCRIPTLEN: undefined } });
    const app = await waitForEnd(id);
    assert.equal(app.state, 'FAILED');
    assert.equal(app.finalStatus, 'FAILED');
    assert.match(app.diagnostics, /failed 1 times .*due to AM Container/);
    assert.match(app.diagnostics, /Illegal values in env for shell script path/);
  });

  test('unknown queue: accepted, then FAILED by the scheduler', async () => {
    const id = await submit('exit 0\n', { queue: 'nope' });
    const app = await waitForEnd(id);
    assert.equal(app.state, 'FAILED');
    assert.equal(app.diagnostics, `Application ${id} submitted by user alice to unknown queue: nope`);
  });

  test('bad submissions are 400', async () => {
    const script = await stageScript('exit 0\n');
    const cases: Array<[unknown, RegExp]> = [
      [submission('app_1', script), /Could not parse application id app_1/],
      [submission(`application_${CLUSTER_TS}_9999`, script), /not issued/],
      [submission(await newAppId(), script, { memory: 9000 }), /Requested more memory than configured max/],
      [submission(await newAppId(), script, { tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }), /Too many applicationTags/],
      [submission(await newAppId(), script, { tags: ['x'.repeat(101)] }), /is too long/],
    ];
    for (const [body, message] of cases) {
      const res = await call('POST', `${APPS}?user.name=alice`, body);
      assert.equal(res.status, 400, res.text);
      assert.match(res.json.RemoteException.message, message);
    }
  });
});

describe('listing', () => {
  test('by tag (any of, lowercased), by states, and {"apps":null} when empty', async () => {
    const a = await submit('exit 0\n', { tags: ['Sluice-Job-A', 'Team-X'] });
    const b = await submit('sleep 5\n', { tags: ['sluice-job-b'] });
    await waitForEnd(a);
    await waitForApp(b, (app) => app.state === 'RUNNING');

    const byTag = await call('GET', `${APPS}?applicationTags=sluice-job-a,sluice-job-b`);
    assert.deepEqual(byTag.json.apps.app.map((x: any) => x.id).sort(), [a, b].sort());
    assert.equal(byTag.json.apps.app.find((x: any) => x.id === a).applicationTags, 'sluice-job-a,team-x');

    const running = await call('GET', `${APPS}?states=accepted,Running&applicationTags=SLUICE-JOB-A,sluice-job-b`);
    assert.deepEqual(running.json.apps.app.map((x: any) => x.id), [b]);

    const finished = await call('GET', `${APPS}?applicationTags=sluice-job-a,sluice-job-b&finishedTimeBegin=1`);
    assert.deepEqual(finished.json.apps.app.map((x: any) => x.id), [a], 'a running app has finishedTime 0');

    assert.equal((await call('GET', `${APPS}?applicationTags=sluice-job-a,sluice-job-b&limit=1`)).json.apps.app.length, 1);
    assert.deepEqual((await call('GET', `${APPS}?applicationTags=no-such-tag`)).json, { apps: null });
    assert.equal((await call('GET', `${APPS}?states=bogus`)).status, 400);

    await call('PUT', `${APPS}/${b}/state?user.name=alice`, { state: 'KILLED' });
  });
});

describe('kill', () => {
  test('202 while killing, then 200 KILLED; the process group is gone', async () => {
    const id = await submit('sleep 60 &\necho "child $!"\nsleep 60\n');
    await waitForApp(id, (app) => app.state === 'RUNNING');
    // The script says when its background child exists: the kill below must reach it too.
    const stdout = join(rm.application(id)!.workDir!, 'stdout');
    await waitFor(() => existsSync(stdout) && /^child \d+$/m.test(readFileSync(stdout, 'utf8')), { what: 'the script to start its background child', timeoutMs: 5000, intervalMs: 20 });
    assert.equal(rm.isProcessAlive(id), true);

    const path = `${APPS}/${id}/state?user.name=alice`;
    const first = await call('PUT', path, { state: 'KILLED', diagnostics: 'cancelled by sluice' });
    assert.equal(first.status, 202);
    assert.deepEqual(first.json, { state: 'RUNNING' });
    assert.equal(first.headers.location, `${rm.url}${APPS}/${id}/state`);

    const res = await waitFor(async () => {
      const again = await call('PUT', path, { state: 'KILLED' });
      return again.status !== 202 && again;
    }, { what: `the kill of ${id} to answer other than 202`, timeoutMs: 3000, intervalMs: 20 });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { state: 'KILLED' });

    const app = (await call('GET', `${APPS}/${id}`)).json.app;
    assert.equal(app.state, 'KILLED');
    assert.equal(app.finalStatus, 'KILLED');
    assert.equal(app.diagnostics, `Application ${id} was killed by user alice with diagnostic message: cancelled by sluice`);
    assert.equal(rm.isProcessAlive(id), false);
  });

  test('a finished app answers 200 with its own state; other targets are 400; unknown ids 404', async () => {
    const id = await submit('exit 0\n');
    await waitForEnd(id);
    const res = await call('PUT', `${APPS}/${id}/state?user.name=alice`, { state: 'KILLED' });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { state: 'FINISHED' });

    const other = await call('PUT', `${APPS}/${id}/state?user.name=alice`, { state: 'RUNNING' });
    assert.equal(other.status, 400);

    const missing = `application_${CLUSTER_TS}_4242`;
    for (const [method, path] of [['GET', `${APPS}/${missing}`], ['PUT', `${APPS}/${missing}/state?user.name=alice`]] as const) {
      const res404 = await call(method, path, method === 'PUT' ? { state: 'KILLED' } : undefined);
      assert.equal(res404.status, 404);
      assert.deepEqual(res404.json, { RemoteException: {
        exception: 'NotFoundException',
        message: `java.lang.Exception: app with id: ${missing} not found`,
        javaClassName: 'org.apache.hadoop.yarn.webapp.NotFoundException',
      } });
    }
  });
});

describe('internal states a real RM leaks', () => {
  test('FINISHING: GET /apps/{id} says FINISHED, …/state and a kill say FINISHING', async () => {
    const main = rm;
    rm = await startRmEmulator({ acceptDelayMs: 150 }); // FINISHING lasts one acceptDelay
    try {
      const id = await submit('exit 0\n');
      await waitForApp(id, (app) => app.state === 'FINISHED');
      assert.deepEqual((await call('GET', `${APPS}/${id}/state`)).json, { state: 'FINISHING' });
      const kill = await call('PUT', `${APPS}/${id}/state?user.name=alice`, { state: 'KILLED' });
      assert.equal(kill.status, 200);
      assert.deepEqual(kill.json, { state: 'FINISHING' });
      assert.equal((await waitForEnd(id)).finalStatus, 'SUCCEEDED');
    } finally {
      await rm.close();
      rm = main;
    }
  });
});

describe('HA and test controls', () => {
  test('standby redirects with 307 + Location, except /ws/v1/cluster/info and /isActive', async () => {
    rm.setStandby('http://active.example:8088');
    try {
      const res = await call('GET', `${APPS}?states=running`);
      assert.equal(res.status, 307);
      assert.equal(res.headers.location, `http://active.example:8088${APPS}?states=running`);
      assert.match(res.text, /^This is standby RM\. The redirect url is: /);

      const info = await call('GET', '/ws/v1/cluster/info');
      assert.equal(info.status, 200);
      assert.equal(info.json.clusterInfo.haState, 'STANDBY');
      assert.equal((await call('GET', '/isActive')).status, 405);

      rm.setStandby(null);
      const none = await call('POST', `${APPS}/new-application?user.name=alice`);
      assert.equal(none.status, 307);
      assert.equal(none.headers.location, undefined);
      assert.match(none.text, /^Can not find any active RM\. Will retry in next 5 seconds\./);
    } finally {
      rm.setActive();
    }
    const active = await call('GET', '/isActive');
    assert.equal(active.status, 200);
    assert.equal(active.text, 'I am Active!');
    assert.equal((await call('GET', '/ws/v1/cluster/metrics')).json.clusterMetrics.activeNodes, 1);
  });

  test('injected failures answer the next N matching requests', async () => {
    rm.injectFailure({ method: 'GET', pathPrefix: APPS, status: 503, body: 'busy', times: 2 });
    assert.equal((await call('GET', '/ws/v1/cluster/info')).status, 200, 'other paths are untouched');
    for (let i = 0; i < 2; i++) {
      const res = await call('GET', APPS);
      assert.equal(res.status, 503);
      assert.equal(res.text, 'busy');
    }
    assert.equal((await call('GET', APPS)).status, 200);
  });

  test('request counter and latency', async () => {
    rm.resetRequestCount();
    await call('GET', '/ws/v1/cluster/info');
    await call('GET', `${APPS}?states=running`);
    await call('GET', `${APPS}?states=finished`);
    await call('GET', '/no/such/path');
    assert.equal(rm.requestCount(), 4);
    assert.equal(rm.requestCount({ path: APPS }), 2);
    assert.equal(rm.requestCount({ method: 'get', path: '/no/such/path' }), 1);
    assert.equal(rm.requestCount({ method: 'POST' }), 0);
    rm.resetRequestCount();
    assert.equal(rm.requestCount(), 0);

    rm.setLatency(100);
    const started = Date.now();
    await call('GET', '/ws/v1/cluster/info');
    rm.setLatency(0);
    assert.ok(Date.now() - started >= 95);
  });
});
