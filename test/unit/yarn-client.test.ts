// ResourceManagerClient against fake RMs served by undici's MockAgent (no network): wire shapes,
// error mapping and HA failover. The same client meets the emulator and a real RM in integration.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { MockAgent } from 'undici';
import { YARN_ERRORS, YarnError, isRetryable, type YarnErrorCode } from '../../src/yarn/errors.ts';
import { ResourceManagerClient } from '../../src/yarn/resource-manager-client.ts';
import type { ApplicationSubmission } from '../../src/yarn/resource-manager.ts';

const RM1 = 'http://rm1:8088';
const RM2 = 'http://rm2:8088';
const INFO = '/ws/v1/cluster/info';
const APP_ID = 'application_1718000000000_0001';

interface Req { origin: string; method: string; path: string; query: URLSearchParams; body: unknown }
interface Reply { status: number; body?: unknown; headers?: Record<string, string> }
/** Answers one request; throwing simulates a transport error (connection refused…). */
type Handler = (req: Req) => Reply;

/** A MockAgent serving one handler per RM origin; every request is recorded in `calls`. */
function fakeRms(handlers: Record<string, Handler>, delayMs = 0) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const calls: Req[] = [];
  for (const [origin, handler] of Object.entries(handlers)) {
    const scope = agent.get(origin).intercept({ path: () => true, method: () => true }).reply((opts) => {
      const url = new URL(opts.path, origin);
      const req: Req = {
        origin, method: opts.method, path: url.pathname, query: url.searchParams,
        body: typeof opts.body === 'string' ? JSON.parse(opts.body) : undefined,
      };
      calls.push(req);
      const reply = handler(req);
      const data = typeof reply.body === 'string' ? reply.body : reply.body === undefined ? '' : JSON.stringify(reply.body);
      return { statusCode: reply.status, data, responseOptions: { headers: reply.headers ?? {} } };
    });
    scope.persist();
    if (delayMs) scope.delay(delayMs);
  }
  return { agent, calls, trail: () => calls.map((c) => `${c.origin} ${c.method} ${c.path}`) };
}

function client(agent: MockAgent, rms = [RM1], extra: { requestTimeoutMs?: number } = {}) {
  return new ResourceManagerClient({ resourceManagers: rms, user: 'sluice', dispatcher: agent, ...extra });
}

const info = (haState: string): Reply => ({
  status: 200,
  body: { clusterInfo: { id: 1718000000000, haState, resourceManagerVersion: '3.4.1', startedOn: 1718000000000, state: 'STARTED' } },
});
const standby307 = (to: string): Reply => ({
  status: 307, body: `This is standby RM. The redirect url is: ${to}`, headers: { location: to },
});
const remote = (status: number, exception: string, message: string): Reply => ({
  status, body: { RemoteException: { exception, message, javaClassName: `org.apache.hadoop.${exception}` } },
});
const refused = (): never => {
  throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:8088'), { code: 'ECONNREFUSED' });
};

function appBody(overrides: Record<string, unknown> = {}) {
  return {
    id: APP_ID, user: 'sluice', name: 'search-index-daily', queue: 'default', state: 'RUNNING',
    finalStatus: 'UNDEFINED', progress: 10, diagnostics: '', startedTime: 1718000000100, finishedTime: 0,
    trackingUrl: 'http://nm1:8088/proxy/application_1718000000000_0001/', applicationTags: 'sluice,sluice-job-job_01j',
    amContainerLogs: 'http://nm1:8042/node/containerlogs/container_1/sluice', applicationType: 'SLUICE', ...overrides,
  };
}

/** Asserts a YarnError with this code; returns it for more checks. */
async function rejectsWith(promise: Promise<unknown>, code: YarnErrorCode): Promise<YarnError> {
  const err = await promise.then(() => assert.fail(`expected ${code}, got success`), (e: unknown) => e);
  assert.ok(err instanceof YarnError, `expected YarnError, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  return err;
}

const submission: ApplicationSubmission = {
  applicationId: APP_ID,
  name: 'search-index-daily',
  type: 'SLUICE',
  queue: 'default',
  maxAppAttempts: 1,
  tags: ['sluice', 'sluice-job-job_01j'],
  amResource: { memoryMb: 256, vcores: 1 },
  localResources: {
    'AppMaster.jar': {
      resource: 'file:///opt/ds.jar', type: 'FILE', visibility: 'APPLICATION', size: 123456, timestamp: 1718000000000,
    },
  },
  environment: { CLASSPATH: './*<CPS>{{HADOOP_CONF_DIR}}', DISTRIBUTEDSHELLSCRIPTLEN: '87' },
  command: '{{JAVA_HOME}}/bin/java org.apache.hadoop.yarn.applications.distributedshell.ApplicationMaster',
};

describe('ResourceManagerClient: wire format', () => {
  it('submits the ApplicationSubmissionContextInfo JSON of YARN.md and accepts 202', async () => {
    const { agent, calls } = fakeRms({ [RM1]: () => ({ status: 202 }) });
    await client(agent).submitApplication(submission);
    assert.equal(calls.length, 1, 'a single RM is used without a probe');
    assert.equal(calls[0]?.method, 'POST');
    assert.equal(calls[0]?.path, '/ws/v1/cluster/apps');
    assert.deepEqual(calls[0]?.body, {
      'application-id': APP_ID,
      'application-name': 'search-index-daily',
      'application-type': 'SLUICE',
      queue: 'default',
      'max-app-attempts': 1,
      'application-tags': { tag: ['sluice', 'sluice-job-job_01j'] },
      resource: { memory: 256, vCores: 1 },
      'am-container-spec': {
        'local-resources': { entry: [{ key: 'AppMaster.jar', value: {
          resource: 'file:///opt/ds.jar', type: 'FILE', visibility: 'APPLICATION', size: 123456, timestamp: 1718000000000,
        } }] },
        environment: { entry: [
          { key: 'CLASSPATH', value: './*<CPS>{{HADOOP_CONF_DIR}}' },
          { key: 'DISTRIBUTEDSHELLSCRIPTLEN', value: '87' },
        ] },
        commands: { command: '{{JAVA_HOME}}/bin/java org.apache.hadoop.yarn.applications.distributedshell.ApplicationMaster' },
      },
    });
  });

  it('a submit answered 200 instead of 202 is BAD_RESPONSE', async () => {
    const { agent } = fakeRms({ [RM1]: () => ({ status: 200, body: {} }) });
    await rejectsWith(client(agent).submitApplication(submission), 'BAD_RESPONSE');
  });

  it('sends user.name, URL-encoded, on every call, probes included', async () => {
    const { agent, calls } = fakeRms({
      [RM1]: (req) => (req.path === INFO ? info('STANDBY') : standby307(RM2)),
      [RM2]: (req) => {
        if (req.path === INFO) return info('ACTIVE');
        if (req.path.endsWith('/new-application')) {
          return { status: 200, body: { 'application-id': APP_ID, 'maximum-resource-capability': { memory: 8192, vCores: 8 } } };
        }
        if (req.method === 'POST') return { status: 202 };
        if (req.method === 'PUT') return { status: 200, body: { state: 'KILLED' } };
        if (req.path.endsWith('/apps')) return { status: 200, body: { apps: null } };
        return { status: 200, body: { app: appBody() } };
      },
    });
    const rm = new ResourceManagerClient({ resourceManagers: [RM1, RM2], user: 'etl user&x=1', dispatcher: agent });
    const created = await rm.newApplication();
    assert.deepEqual(created, { applicationId: APP_ID, maximumResource: { memoryMb: 8192, vcores: 8 } });
    await rm.submitApplication(submission);
    await rm.getApplication(APP_ID);
    await rm.listApplications({ tags: ['sluice'] });
    await rm.requestKill(APP_ID, 'cancelled');
    await rm.clusterInfo();
    assert.ok(calls.length >= 8);
    for (const call of calls) assert.equal(call.query.get('user.name'), 'etl user&x=1', `${call.method} ${call.path}`);
  });

  it('maps an application, splitting its tags and nulling what YARN leaves out', async () => {
    const { agent, calls } = fakeRms({
      [RM1]: () => ({ status: 200, body: { app: appBody({ state: 'ACCEPTED', trackingUrl: undefined, amContainerLogs: undefined, applicationTags: '' }) } }),
    });
    const app = await client(agent).getApplication(APP_ID);
    assert.equal(calls[0]?.path, `/ws/v1/cluster/apps/${APP_ID}`);
    assert.deepEqual(app, {
      id: APP_ID, name: 'search-index-daily', user: 'sluice', queue: 'default', state: 'ACCEPTED',
      finalStatus: 'UNDEFINED', diagnostics: '', trackingUrl: null, startedTime: 1718000000100, finishedTime: 0,
      tags: [], applicationType: 'SLUICE', amContainerLogs: null,
    });
  });

  it('lists with the query parameters and splits applicationTags', async () => {
    const { agent, calls } = fakeRms({
      [RM1]: () => ({ status: 200, body: { apps: { app: [appBody(), appBody({ id: 'application_1718000000000_0002', applicationTags: 'sluice' })] } } }),
    });
    const apps = await client(agent).listApplications({
      states: ['ACCEPTED', 'RUNNING'], tags: ['sluice', 'Sluice-Job-X'], finishedTimeBegin: 1718000000000, limit: 50,
    });
    const q = calls[0]?.query;
    assert.equal(q?.get('states'), 'ACCEPTED,RUNNING');
    assert.equal(q?.get('applicationTags'), 'sluice,sluice-job-x', 'the RM stores tags lowercased');
    assert.equal(q?.get('finishedTimeBegin'), '1718000000000');
    assert.equal(q?.get('limit'), '50');
    assert.deepEqual(apps.map((a) => a.tags), [['sluice', 'sluice-job-job_01j'], ['sluice']]);
  });

  it('an empty list may come as {"apps":null} or without "app"', async () => {
    for (const body of [{ apps: null }, { apps: {} }]) {
      const { agent, calls } = fakeRms({ [RM1]: () => ({ status: 200, body }) });
      assert.deepEqual(await client(agent).listApplications({}), []);
      assert.equal([...(calls[0]?.query.keys() ?? [])].join(','), 'user.name', 'no empty filters sent');
    }
  });

  it('kill repeats PUT …/state while the RM answers 202, until 200', async () => {
    let puts = 0;
    const { agent, calls } = fakeRms({
      [RM1]: () => (++puts < 3 ? { status: 202, body: { state: 'RUNNING' } } : { status: 200, body: { state: 'KILLED' } }),
    });
    assert.equal(await client(agent).kill(APP_ID, 'cancelled by alice', { pollMs: 1 }), 'KILLED');
    assert.equal(calls.length, 3);
    for (const call of calls) {
      assert.equal(call.method, 'PUT');
      assert.equal(call.path, `/ws/v1/cluster/apps/${APP_ID}/state`);
      assert.deepEqual(call.body, { state: 'KILLED', diagnostics: 'cancelled by alice' });
    }
  });

  it('requestKill: 202 is pending, 200 carries the final state (already FINISHED stays FINISHED)', async () => {
    const pending = fakeRms({ [RM1]: () => ({ status: 202 }) });
    assert.deepEqual(await client(pending.agent).requestKill(APP_ID, 'x'), { done: false });
    const finished = fakeRms({ [RM1]: () => ({ status: 200, body: { state: 'FINISHED' } }) });
    assert.deepEqual(await client(finished.agent).requestKill(APP_ID, 'x'), { done: true, state: 'FINISHED' });
  });
});

describe('ResourceManagerClient: errors', () => {
  it('404 NotFoundException → APP_NOT_FOUND, not retryable, message names step and RM', async () => {
    const { agent } = fakeRms({ [RM1]: () => remote(404, 'NotFoundException', `app with id: ${APP_ID} not found`) });
    const err = await rejectsWith(client(agent).getApplication(APP_ID), 'APP_NOT_FOUND');
    assert.equal(err.status, 404);
    assert.equal(err.rmUrl, RM1);
    assert.equal(err.message, `get ${APP_ID} to ${RM1}: 404 NotFoundException: app with id: ${APP_ID} not found`);
    assert.equal(isRetryable(err), false);
  });

  it('a 404 page that is not YARN\'s NotFoundException does not claim the app is gone', async () => {
    const { agent } = fakeRms({ [RM1]: () => ({ status: 404, body: '<html><body>Not Found</body></html>' }) });
    const err = await rejectsWith(client(agent).getApplication(APP_ID), 'BAD_REQUEST');
    assert.match(err.message, /404 <html><body>Not Found/);
  });

  it('401 → UNAUTHORIZED', async () => {
    const { agent } = fakeRms({
      [RM1]: () => remote(401, 'AuthorizationException', 'Unable to obtain user name, user not authenticated'),
    });
    const err = await rejectsWith(client(agent).submitApplication(submission), 'UNAUTHORIZED');
    assert.match(err.message, /401 AuthorizationException: Unable to obtain user name/);
  });

  it('400 → BAD_REQUEST with the RemoteException message', async () => {
    const msg = 'Invalid resource request, requested memory < 0, or requested memory > max configured';
    const { agent } = fakeRms({ [RM1]: () => remote(400, 'BadRequestException', msg) });
    const err = await rejectsWith(client(agent).submitApplication(submission), 'BAD_REQUEST');
    assert.equal(err.message, `submit ${APP_ID} to ${RM1}: 400 BadRequestException: ${msg}`);
    assert.equal(err.step, `submit ${APP_ID}`);
    assert.equal(isRetryable(err), false);
  });

  it('5xx with an HTML body → RM_ERROR, retryable, body truncated into the message', async () => {
    const html = `<html><head><title>Error 500</title></head><body>${'x'.repeat(5000)}</body></html>`;
    const { agent } = fakeRms({ [RM1]: () => ({ status: 500, body: html, headers: { 'content-type': 'text/html' } }) });
    const err = await rejectsWith(client(agent).getApplication(APP_ID), 'RM_ERROR');
    assert.equal(isRetryable(err), true);
    assert.match(err.message, /500 <html><head><title>Error 500/);
    assert.ok(err.message.length < 600, `message is ${err.message.length} chars`);
  });

  it('a body that fails its schema → BAD_RESPONSE naming the field', async () => {
    const cases: Array<[Reply, (rm: ResourceManagerClient) => Promise<unknown>, RegExp]> = [
      [{ status: 200, body: { app: appBody({ state: 'RUNNIN' }) } }, (rm) => rm.getApplication(APP_ID), /field app\.state/],
      [{ status: 200, body: {} }, (rm) => rm.getApplication(APP_ID), /field app:/],
      [{ status: 200, body: { apps: { app: [appBody({ startedTime: 'soon' })] } } }, (rm) => rm.listApplications({}), /field apps\.app\.0\.startedTime/],
      [{ status: 200, body: { 'maximum-resource-capability': { memory: 1, vCores: 1 } } }, (rm) => rm.newApplication(), /field application-id/],
      [{ status: 200 }, (rm) => rm.requestKill(APP_ID, 'x'), /field \(body\)/],
    ];
    for (const [reply, run, field] of cases) {
      const { agent } = fakeRms({ [RM1]: () => reply });
      const err = await rejectsWith(run(client(agent)), 'BAD_RESPONSE');
      assert.match(err.message, field);
    }
  });

  it('kill gives up at its deadline when the RM keeps answering 202: KILL_TIMEOUT, retryable', async () => {
    const { agent, calls } = fakeRms({ [RM1]: () => ({ status: 202, body: { state: 'KILLING' } }) });
    const err = await rejectsWith(client(agent).kill(APP_ID, 'x', { pollMs: 5, deadlineMs: 60 }), 'KILL_TIMEOUT');
    assert.match(err.message, new RegExp(`kill ${APP_ID}: still in progress after 60 ms`));
    assert.ok(calls.length >= 2 && calls.length <= 14, `${calls.length} PUTs within the deadline`);
    assert.equal(isRetryable(err), true);
  });

  it('an abort signal is honoured: before the call, during it, and between kill polls', async () => {
    const before = fakeRms({ [RM1]: () => ({ status: 200, body: { app: appBody() } }) });
    await rejectsWith(client(before.agent).getApplication(APP_ID, AbortSignal.abort()), 'ABORTED');

    const slow = fakeRms({ [RM1]: () => ({ status: 200, body: { app: appBody() } }) }, 5_000);
    const started = Date.now();
    const err = await rejectsWith(client(slow.agent).getApplication(APP_ID, AbortSignal.timeout(30)), 'ABORTED');
    assert.ok(Date.now() - started < 2_000);
    assert.equal(isRetryable(err), false);

    const pending = fakeRms({ [RM1]: () => ({ status: 202 }) });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    await rejectsWith(client(pending.agent).kill(APP_ID, 'x', { signal: controller.signal, pollMs: 5 }), 'ABORTED');
  });

  it('no answer within requestTimeoutMs → TIMEOUT, retryable', async () => {
    const { agent } = fakeRms({ [RM1]: () => ({ status: 200, body: { app: appBody() } }) }, 5_000);
    const err = await rejectsWith(client(agent, [RM1], { requestTimeoutMs: 30 }).getApplication(APP_ID), 'TIMEOUT');
    assert.equal(isRetryable(err), true);
  });

  it('isRetryable follows the table: 5xx, unreachable RM or NM, no active RM, timeout, a kill still in progress', () => {
    const retryable = Object.entries(YARN_ERRORS).filter(([, e]) => e.retryable).map(([code]) => code).sort();
    assert.deepEqual(retryable, ['KILL_TIMEOUT', 'NM_UNREACHABLE', 'NO_ACTIVE_RM', 'RM_ERROR', 'RM_UNREACHABLE', 'TIMEOUT']);
    for (const code of Object.keys(YARN_ERRORS) as YarnErrorCode[]) {
      const err = new YarnError(code);
      assert.equal(err.message, YARN_ERRORS[code].message, 'default message');
      assert.equal(isRetryable(err), YARN_ERRORS[code].retryable, code);
    }
    assert.equal(isRetryable(new Error('other')), false);
  });
});

describe('ResourceManagerClient: logging', () => {
  it('logs each call at debug with { rm, method, path, status, ms }, never the query or bodies', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const { agent } = fakeRms({ [RM1]: () => ({ status: 202 }) });
    const rm = new ResourceManagerClient({ resourceManagers: [RM1], user: 'secret-user', dispatcher: agent, logger });
    await rm.submitApplication(submission);
    assert.equal(lines.length, 1);
    const { rm: url, method, path, status, ms } = lines[0] ?? {};
    assert.deepEqual({ url, method, path, status }, { url: RM1, method: 'POST', path: '/ws/v1/cluster/apps', status: 202 });
    assert.equal(typeof ms, 'number');
    assert.doesNotMatch(JSON.stringify(lines), /secret-user|AppMaster\.jar/);
  });
});

describe('ResourceManagerClient: HA failover', () => {
  it('RM1 answers 307 → probes, finds RM2 ACTIVE, repeats the call there, then keeps using RM2', async () => {
    let active = RM1;
    const rm = (self: string): Handler => (req) => {
      if (req.path === INFO) return info(active === self ? 'ACTIVE' : 'STANDBY');
      return active === self ? { status: 200, body: { app: appBody() } } : standby307(`${active}${req.path}`);
    };
    const { agent, trail, calls } = fakeRms({ [RM1]: rm(RM1), [RM2]: rm(RM2) });
    const client2 = client(agent, [RM1, RM2]);

    await client2.getApplication(APP_ID);
    active = RM2; // failover happens between calls
    calls.length = 0;
    assert.equal((await client2.getApplication(APP_ID)).id, APP_ID);
    await client2.getApplication(APP_ID);
    const get = `GET /ws/v1/cluster/apps/${APP_ID}`;
    assert.deepEqual(trail().filter((t) => !t.endsWith(INFO)), [`${RM1} ${get}`, `${RM2} ${get}`, `${RM2} ${get}`]);
    assert.equal(trail().filter((t) => t.endsWith(INFO)).length, 2, 'one probe of each RM, then the cache');
  });

  it('writes are repeated on the new active RM too (a same-id submit is a no-op)', async () => {
    let active = RM1;
    const rm = (self: string): Handler => (req) => {
      if (req.path === INFO) return info(active === self ? 'ACTIVE' : 'STANDBY');
      return active === self ? { status: 202 } : standby307(`${active}${req.path}`);
    };
    const { agent, trail, calls } = fakeRms({ [RM1]: rm(RM1), [RM2]: rm(RM2) });
    const rmClient = client(agent, [RM1, RM2]);
    await rmClient.clusterInfo();
    active = RM2;
    calls.length = 0;
    await rmClient.submitApplication(submission);
    const posts = calls.filter((c) => c.method === 'POST');
    assert.deepEqual(trail().filter((t) => t.includes('POST')), [`${RM1} POST /ws/v1/cluster/apps`, `${RM2} POST /ws/v1/cluster/apps`]);
    assert.deepEqual(posts[1]?.body, posts[0]?.body, 'the same submission, same application id');
  });

  it('an RM that reports ACTIVE but keeps redirecting: one repeat, then NO_ACTIVE_RM', async () => {
    const { agent, trail } = fakeRms({
      [RM1]: (req) => (req.path === INFO
        ? info('ACTIVE')
        : { status: 307, body: 'Can not find any active RM. Will retry in next 5 seconds.' }),
      [RM2]: (req) => (req.path === INFO ? info('STANDBY') : standby307(RM1)),
    });
    const err = await rejectsWith(client(agent, [RM1, RM2]).submitApplication(submission), 'NO_ACTIVE_RM');
    assert.equal(trail().filter((t) => t.includes('POST')).length, 2);
    assert.match(err.message, /307 Can not find any active RM/);
  });

  it('RM1 refuses connections → RM2', async () => {
    const { agent, trail } = fakeRms({
      [RM1]: refused,
      [RM2]: (req) => (req.path === INFO ? info('ACTIVE') : { status: 202 }),
    });
    await client(agent, [RM1, RM2]).submitApplication(submission);
    assert.deepEqual(trail().filter((t) => !t.endsWith(INFO)), [`${RM2} POST /ws/v1/cluster/apps`]);
  });

  it('the cached active RM starts refusing → re-probe, switch, repeat', async () => {
    let rm1Up = true;
    const { agent, trail, calls } = fakeRms({
      [RM1]: (req) => {
        if (!rm1Up) refused();
        return req.path === INFO ? info('ACTIVE') : { status: 200, body: { apps: null } };
      },
      [RM2]: (req) => (req.path === INFO ? info(rm1Up ? 'STANDBY' : 'ACTIVE') : { status: 200, body: { apps: null } }),
    });
    const rm = client(agent, [RM1, RM2]);
    await rm.listApplications({});
    rm1Up = false;
    calls.length = 0;
    assert.deepEqual(await rm.listApplications({}), []);
    assert.deepEqual(trail().filter((t) => !t.endsWith(INFO)), [`${RM1} GET /ws/v1/cluster/apps`, `${RM2} GET /ws/v1/cluster/apps`]);
  });

  it('both standby → NO_ACTIVE_RM (retryable), naming each RM', async () => {
    const { agent } = fakeRms({
      [RM1]: (req) => (req.path === INFO ? info('STANDBY') : standby307(RM2)),
      [RM2]: (req) => (req.path === INFO ? info('STANDBY') : standby307(RM1)),
    });
    const err = await rejectsWith(client(agent, [RM1, RM2]).getApplication(APP_ID), 'NO_ACTIVE_RM');
    assert.equal(isRetryable(err), true);
    assert.equal(err.message, `get ${APP_ID}: no ResourceManager is active (${RM1} is STANDBY; ${RM2} is STANDBY)`);
  });

  it('both refusing → RM_UNREACHABLE', async () => {
    const { agent } = fakeRms({ [RM1]: refused, [RM2]: refused });
    const err = await rejectsWith(client(agent, [RM1, RM2]).newApplication(), 'RM_UNREACHABLE');
    assert.match(err.message, /ECONNREFUSED/);
    assert.equal(isRetryable(err), true);
  });

  it('a plain 200 "There is no active RM right now." is never success', async () => {
    const noActive: Reply = { status: 200, body: 'There is no active RM right now.', headers: { 'content-type': 'text/plain' } };
    // HA: switch to the RM that is active now.
    let rm2Active = false;
    const ha = fakeRms({
      [RM1]: (req) => (req.path === INFO ? info(rm2Active ? 'STANDBY' : 'ACTIVE') : noActive),
      [RM2]: (req) => (req.path === INFO ? info(rm2Active ? 'ACTIVE' : 'STANDBY') : { status: 200, body: { app: appBody() } }),
    });
    const rm = client(ha.agent, [RM1, RM2]);
    await rm.clusterInfo();
    rm2Active = true;
    assert.equal((await rm.getApplication(APP_ID)).id, APP_ID);
    // Single RM: nothing to switch to.
    const single = fakeRms({ [RM1]: () => noActive });
    const err = await rejectsWith(client(single.agent).getApplication(APP_ID), 'NO_ACTIVE_RM');
    assert.match(err.message, /There is no active RM right now/);
  });

  it('a single RM answering 307 → NO_ACTIVE_RM, without a probe', async () => {
    const { agent, calls } = fakeRms({ [RM1]: () => ({ status: 307, body: 'Can not find any active RM.' }) });
    await rejectsWith(client(agent).getApplication(APP_ID), 'NO_ACTIVE_RM');
    assert.equal(calls.length, 1);
  });
});
