// The RM emulator's run modes that spawn nothing (timed, held), its control endpoints (stats,
// apps, release) and its list answer, over real HTTP. The RM REST side must read exactly as in the
// process mode: only what runs after RUNNING differs.
// Run: node --import tsx --test test/integration/rm-emulator-no-process.test.ts

import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm as rmDir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startRmEmulator, type RmEmulator } from '../../src/emulator/index.ts';
import { waitFor } from '../support/wait-for.ts';
import { callRm } from '../support/rm-http.ts';

const APPS = '/ws/v1/cluster/apps';
const AM_COMMAND = '{{JAVA_HOME}}/bin/java -Xmx128m org.apache.hadoop.yarn.applications.distributedshell.ApplicationMaster'
  + ' --container_memory 128 --container_vcores 1 --num_containers 1 --priority 0 1><LOG_DIR>/AppMaster.stdout 2><LOG_DIR>/AppMaster.stderr';

const call = (rm: RmEmulator, method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown) => callRm(rm.url, method, path, body);

/** A submission as Sluice's would read to the DS AM; the script file need not exist (nothing runs it). */
function submission(id: string, tags: string[]) {
  return {
    'application-id': id,
    'application-name': 'no-process-test',
    'application-type': 'SLUICE',
    queue: 'default',
    'application-tags': { tag: tags },
    resource: { memory: 256, vCores: 1 },
    'am-container-spec': {
      environment: {
        entry: [
          { key: 'DISTRIBUTEDSHELLSCRIPTLOCATION', value: 'file:///nonexistent/script.sh' },
          { key: 'DISTRIBUTEDSHELLSCRIPTLEN', value: '12' },
          { key: 'DISTRIBUTEDSHELLSCRIPTTIMESTAMP', value: '1718000000000' },
        ],
      },
      commands: { command: AM_COMMAND },
    },
  };
}

async function submit(rm: RmEmulator, tags: string[] = ['sluice']): Promise<string> {
  const id = (await call(rm, 'POST', `${APPS}/new-application?user.name=alice`)).json['application-id'];
  const res = await call(rm, 'POST', `${APPS}?user.name=alice`, submission(id, tags));
  assert.equal(res.status, 202, res.text);
  return id;
}

async function appOf(rm: RmEmulator, id: string): Promise<any> {
  return (await call(rm, 'GET', `${APPS}/${id}`)).json.app;
}

function untilState(rm: RmEmulator, id: string, state: string): Promise<any> {
  let last: unknown;
  return waitFor(async () => {
    const app = await appOf(rm, id);
    last = app.state;
    return app.state === state && app;
  }, { what: `app ${id} ${state}`, timeoutMs: 5000, intervalMs: 10, detail: () => `still ${String(last)}` });
}

describe('held mode', () => {
  let rm: RmEmulator;
  let workDir: string;
  before(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'rm-emulator-held-'));
    rm = await startRmEmulator({ appRun: { mode: 'held' }, acceptDelayMs: 5, workDir });
  });
  after(async () => {
    await rm.close();
    await rmDir(workDir, { recursive: true, force: true });
  });

  test('an app stays RUNNING with no process and no file until released, then FINISHED/SUCCEEDED', async () => {
    const before = Date.now();
    const id = await submit(rm, ['sluice', 'Job-A']);
    const running = await untilState(rm, id, 'RUNNING');
    assert.equal(running.finalStatus, 'UNDEFINED');
    assert.equal(running.runningContainers, 1, 'the AM container only');
    assert.equal(rm.application(id)?.pid, null, 'no shell container was spawned');
    assert.deepEqual(readdirSync(workDir), [], 'no container directory either');

    // Still RUNNING a while later: held, not timed.
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await appOf(rm, id)).state, 'RUNNING');

    const listed = (await call(rm, 'GET', '/emulator/apps')).json.apps.find((a: any) => a.id === id);
    assert.deepEqual(listed.tags, ['sluice', 'job-a'], 'tags as the RM keeps them: lowercased');
    assert.ok(listed.submitArrivedAt >= before && listed.submitArrivedAt <= Date.now(), 'the submit arrival, on this host\'s clock');
    assert.equal(listed.finishedTime, 0);

    const released = await call(rm, 'POST', '/emulator/release', { count: 1 });
    assert.equal(released.status, 200, released.text);
    assert.equal(released.json.released.length, 1);
    const [r] = released.json.released;
    assert.equal(r.id, id);
    assert.ok(r.finishedTime >= listed.submitArrivedAt);
    const done = await appOf(rm, id);
    assert.equal(done.state, 'FINISHED');
    assert.equal(done.finalStatus, 'SUCCEEDED');
    assert.equal(done.finishedTime, r.finishedTime, 'the RM reports the finishedTime the release answered');
    assert.equal(done.progress, 100);
  });

  test('release by count takes the longest held first; by ids only those; a killed app is never released', async () => {
    const ids = [await submit(rm), await submit(rm), await submit(rm), await submit(rm)];
    for (const id of ids) await untilState(rm, id, 'RUNNING');
    const kill = await call(rm, 'PUT', `${APPS}/${ids[0]}/state?user.name=alice`, { state: 'KILLED' });
    assert.equal(kill.status, 202);
    await untilState(rm, ids[0]!, 'KILLED');

    const byIds = await call(rm, 'POST', '/emulator/release', { ids: [ids[3]] });
    assert.deepEqual(byIds.json.released.map((a: any) => a.id), [ids[3]]);
    const byCount = await call(rm, 'POST', '/emulator/release', { count: 10 });
    assert.deepEqual(byCount.json.released.map((a: any) => a.id), [ids[1], ids[2]], 'the killed one skipped, oldest first');
    assert.equal((await appOf(rm, ids[0]!)).state, 'KILLED');
    assert.equal((await call(rm, 'GET', '/emulator/stats')).json.apps.held, 0);
  });

  test('a bad release body is a 400', async () => {
    for (const body of [{ count: -1 }, { ids: [1] }, {}]) {
      const res = await call(rm, 'POST', '/emulator/release', body);
      assert.equal(res.status, 400, JSON.stringify(body));
    }
  });

  test('the list answer reads as GET /apps/{id} for each app, in every state', async () => {
    const running = await submit(rm, ['sluice', 'list-check']);
    await untilState(rm, running, 'RUNNING');
    const finished = await submit(rm, ['sluice', 'list-check']);
    await untilState(rm, finished, 'RUNNING');
    await call(rm, 'POST', '/emulator/release', { ids: [finished] });
    const failed = (await call(rm, 'POST', `${APPS}/new-application?user.name=alice`)).json['application-id'];
    await call(rm, 'POST', `${APPS}?user.name=alice`, { ...submission(failed, ['sluice', 'list-check']), queue: 'nope' });
    await untilState(rm, failed, 'FAILED');

    // Twice: the second answer comes from the kept JSON of each app.
    for (let round = 0; round < 2; round++) {
      const list = await call(rm, 'GET', `${APPS}?applicationTags=list-check`);
      assert.equal(list.status, 200);
      const byId = new Map<string, any>(list.json.apps.app.map((a: any) => [a.id, a]));
      assert.equal(byId.size, 3);
      for (const id of [running, finished, failed]) {
        const one = await appOf(rm, id);
        const listed = byId.get(id);
        assert.deepEqual(Object.keys(listed), Object.keys(one), `${id}: the same fields in the same order`);
        assert.deepEqual({ ...listed, elapsedTime: 0 }, { ...one, elapsedTime: 0 }, id);
        // An app refused at submit can end in the millisecond it started: elapsedTime 0, as on YARN.
        assert.ok(id === failed ? listed.elapsedTime >= 0 : listed.elapsedTime > 0, `${id}: elapsedTime ${listed.elapsedTime}`);
      }
    }
    assert.equal((await call(rm, 'GET', `${APPS}?applicationTags=nothing-has-this`)).text, '{"apps":null}');
  });

  test('stats count RM requests by operation and list query; control requests are not counted', async () => {
    const start = (await call(rm, 'GET', '/emulator/stats')).json;
    const countedBefore = rm.requestCount();
    const id = await submit(rm);
    await call(rm, 'GET', `${APPS}/${id}`);
    await call(rm, 'GET', `${APPS}?states=RUNNING&applicationTags=sluice`);
    await call(rm, 'GET', `${APPS}?applicationTags=sluice&states=FINISHED&finishedTimeBegin=${Date.now() - 1000}`);
    await call(rm, 'GET', `${APPS}?applicationTags=sluice&states=FINISHED&finishedTimeBegin=${Date.now() - 2000}`);
    await call(rm, 'PUT', `${APPS}/${id}/state?user.name=alice`, { state: 'KILLED' });
    await call(rm, 'GET', '/ws/v1/cluster/info');
    const end = (await call(rm, 'GET', '/emulator/stats')).json;
    const delta = (op: string) => (end.requests[op] ?? 0) - (start.requests[op] ?? 0);
    assert.equal(delta('new-application'), 1);
    assert.equal(delta('submit'), 1);
    assert.equal(delta('get-app'), 1);
    assert.equal(delta('list'), 3);
    assert.equal(delta('kill'), 1);
    assert.equal(delta('cluster-info'), 1);
    assert.equal(end.total - start.total, 8);
    const lists = (key: string) => (end.lists[key] ?? 0) - (start.lists[key] ?? 0);
    assert.equal(lists('applicationTags=sluice&states=RUNNING'), 1);
    assert.equal(lists('applicationTags=sluice&finishedTimeBegin&states=FINISHED'), 2, 'the moment reduced to its name');
    assert.equal(rm.requestCount() - countedBefore, 8, 'the test counter does not see /emulator/ either');
    assert.deepEqual(rm.requestStats().requests, end.requests);
  });
});

describe('timed mode', () => {
  let rm: RmEmulator;
  let workDir: string;
  before(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'rm-emulator-timed-'));
    rm = await startRmEmulator({ appRun: { mode: 'timed', runMs: 150 }, acceptDelayMs: 5, workDir });
  });
  after(async () => {
    await rm.close();
    await rmDir(workDir, { recursive: true, force: true });
  });

  test('an app runs for runMs with no process, then ends FINISHED/SUCCEEDED by itself', async () => {
    const id = await submit(rm);
    const running = await untilState(rm, id, 'RUNNING');
    assert.equal(rm.application(id)?.pid, null);
    const finished = await untilState(rm, id, 'FINISHED');
    assert.equal(finished.finalStatus, 'SUCCEEDED');
    assert.ok(finished.finishedTime - running.launchTime >= 150, `ran at least runMs (launch ${running.launchTime}, end ${finished.finishedTime})`);
    assert.ok(!existsSync(join(workDir, id)), 'no directory for it');
  });

  test('release is refused: nothing is held', async () => {
    const res = await call(rm, 'POST', '/emulator/release', { count: 1 });
    assert.equal(res.status, 409);
  });

  test('a bad run mode is refused at start', async () => {
    await assert.rejects(startRmEmulator({ appRun: { mode: 'timed', runMs: -1 } }), /runMs/);
    await assert.rejects(startRmEmulator({ appRun: { mode: 'forever' } as never }), /appRun mode/);
  });
});
