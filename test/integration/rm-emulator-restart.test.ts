// The RM emulator's restart (work-preserving recovery): connections are refused while it is down,
// then the same port serves the same applications, whose containers ran on meanwhile; new ids carry
// the new start time. The chaos run (test/chaos) relies on exactly this.

import assert from 'node:assert/strict';
import { mkdtemp, rm as rmDir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { request } from 'undici';
import { startRmEmulator, type RmEmulator } from '../../src/emulator/index.ts';

const APPS = '/ws/v1/cluster/apps';
let rm: RmEmulator;
let staging: string;

before(async () => {
  staging = await mkdtemp(join(tmpdir(), 'rm-emulator-restart-'));
  rm = await startRmEmulator({ clusterTimestamp: 1718000000000, acceptDelayMs: 10 });
});
after(async () => {
  await rm.close();
  await rmDir(staging, { recursive: true, force: true });
});

async function call(method: 'GET' | 'POST', path: string, body?: unknown) {
  const res = await request(`${rm.url}${path}`, {
    method, body: body === undefined ? undefined : JSON.stringify(body),
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
  });
  const text = await res.body.text();
  return { status: res.statusCode, json: text ? JSON.parse(text) : undefined };
}

async function submitScript(script: string, tag: string): Promise<string> {
  const id = (await call('POST', `${APPS}/new-application?user.name=alice`)).json['application-id'] as string;
  const path = join(staging, `${id}.sh`);
  await writeFile(path, script);
  const s = await stat(path);
  const env = {
    CLASSPATH: './*', DISTRIBUTEDSHELLSCRIPTLOCATION: pathToFileURL(path).href,
    DISTRIBUTEDSHELLSCRIPTLEN: String(s.size), DISTRIBUTEDSHELLSCRIPTTIMESTAMP: String(Math.floor(s.mtimeMs)),
  };
  const res = await call('POST', `${APPS}?user.name=alice`, {
    'application-id': id, 'application-name': 'restart-test', 'application-type': 'SLUICE', queue: 'default',
    'max-app-attempts': 1, 'application-tags': { tag: ['sluice', tag] }, resource: { memory: 256, vCores: 1 },
    'am-container-spec': {
      'local-resources': { entry: [] },
      environment: { entry: Object.entries(env).map(([key, value]) => ({ key, value })) },
      commands: { command: 'java org.apache.hadoop.yarn.applications.distributedshell.ApplicationMaster --num_containers 1 1><LOG_DIR>/AppMaster.stdout 2><LOG_DIR>/AppMaster.stderr' },
    },
  });
  assert.equal(res.status, 202);
  return id;
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('restart: refused while down, then the same apps on the same port; containers ran on', async () => {
  // The container waits for a file the test creates while the RM is down: it must finish meanwhile.
  const gate = join(staging, 'gate');
  const running = await submitScript(`while [ ! -e ${gate} ]; do sleep 0.05; done; echo done`, 'job-a');
  const finished = await submitScript('exit 3', 'job-b');
  await until('the first app RUNNING', () => rm.application(running)?.state === 'RUNNING');
  await until('the second app FINISHED', () => rm.application(finished)?.state === 'FINISHED');
  const pid = rm.application(running)!.pid;

  await rm.stopServing();
  await assert.rejects(call('GET', APPS), (err: NodeJS.ErrnoException) => {
    assert.equal((err.cause as NodeJS.ErrnoException | undefined)?.code ?? err.code, 'ECONNREFUSED');
    return true;
  });
  await writeFile(gate, '');
  await until('the container to finish while the RM is down', () => rm.application(running)?.state === 'FINISHED');
  assert.equal(rm.application(running)!.pid, pid, 'the same container, never relaunched');
  await rm.startServing();

  const listed = (await call('GET', `${APPS}?applicationTags=sluice`)).json.apps.app as Array<{ id: string; state: string; finalStatus: string }>;
  assert.deepEqual(listed.map((a) => [a.id, a.state, a.finalStatus]).sort(), [
    [running, 'FINISHED', 'SUCCEEDED'], [finished, 'FINISHED', 'FAILED'],
  ].sort());
  const info = (await call('GET', '/ws/v1/cluster/info')).json.clusterInfo;
  assert.ok(info.startedOn > 1718000000000, 'a restarted RM has a new start time');
  const next = (await call('POST', `${APPS}/new-application?user.name=alice`)).json['application-id'];
  assert.equal(next, `application_${info.startedOn}_0001`, 'new ids: the new start time, counting from 1');
});

test('restart({ downMs }) serves again by itself; an id issued before it is still submittable', async () => {
  const before = (await call('POST', `${APPS}/new-application?user.name=alice`)).json['application-id'];
  const started = Date.now();
  const restarting = rm.restart({ downMs: 300 });
  await until('the port to refuse', async () => {
    try {
      await call('GET', '/ws/v1/cluster/info');
      return false;
    } catch {
      return true;
    }
  });
  await restarting;
  assert.ok(Date.now() - started >= 300);
  assert.equal((await call('GET', '/ws/v1/cluster/info')).status, 200);
  assert.ok(before.startsWith('application_'));
});
