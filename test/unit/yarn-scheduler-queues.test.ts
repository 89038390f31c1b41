// Which queue names a submission may use, from GET /ws/v1/cluster/scheduler. The bodies are what a
// real Hadoop 3.4.2 RM answered (test/contract/fixtures, recorded with each scheduler); where a
// case needs a variation, the test changes one field of a real body and says which.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MockAgent } from 'undici';
import { YarnError } from '../../src/yarn/errors.ts';
import { ResourceManagerClient } from '../../src/yarn/resource-manager-client.ts';
import { leafQueuesOf } from '../../src/yarn/scheduler-queues.ts';

const FIXTURES = join(import.meta.dirname, '../contract/fixtures');
/** A fresh copy each time: tests change bodies. */
const recorded = (file: string): any => JSON.parse(readFileSync(join(FIXTURES, file), 'utf8'));
/** The stock test/yarn/conf capacity-scheduler.xml: root.default only. */
const stockCapacity = () => recorded('scheduler-capacity-3.4.2.json');
/**
 * root.default; root.a.{x, onlya}; root.b.{x, stopped (STOPPED)}; root.auto.{static1}, where
 * root.auto has auto-queue-creation-v2.enabled (autoCreationEligibility "flexible").
 */
const nestedCapacity = () => recorded('scheduler-capacity-nested-3.4.2.json');

function queueAt(body: any, path: string): any {
  let q = body.scheduler.schedulerInfo;
  for (const name of path.split('.').slice(1)) q = q.queues.queue.find((c: any) => c.queueName === name);
  assert.ok(q, `no queue ${path} in the fixture`);
  return q;
}

function cannotSay(result: ReturnType<typeof leafQueuesOf>, why: RegExp): void {
  assert.equal(result.names, null, `expected "can't say", got ${JSON.stringify(result)}`);
  assert.match((result as { why: string }).why, why);
}

describe('leafQueuesOf: CapacityScheduler (3.4.2 answers)', () => {
  it('the stock scheduler: default, by its short name and its full path', () => {
    assert.deepEqual(leafQueuesOf(stockCapacity()), { names: ['default', 'root.default'] });
  });

  it('nested queues: RUNNING leaves by full path, short names only when no other queue has them', () => {
    const body = nestedCapacity();
    queueAt(body, 'root.auto').autoCreationEligibility = 'off'; // the only change: no auto-creation
    // x is ambiguous (root.a.x, root.b.x): the RM fails "x" ("ambiguous queue"), takes root.a.x.
    // root.b.stopped is STOPPED: the RM fails any submission to it. Parents (a, b) are not leaves.
    assert.deepEqual(leafQueuesOf(body), {
      names: ['default', 'onlya', 'root.a.onlya', 'root.a.x', 'root.auto.static1', 'root.b.x', 'root.default', 'static1'],
    });
  });

  it('a queue that auto-creates children: the RM cannot say a name is unknown', () => {
    cannotSay(leafQueuesOf(nestedCapacity()), /root\.auto creates child queues.*flexible/);
  });

  it('legacy auto-creation (a managed parent) too', () => {
    const body = nestedCapacity();
    Object.assign(queueAt(body, 'root.auto'), { autoCreationEligibility: undefined, autoCreateChildQueueEnabled: true });
    cannotSay(leafQueuesOf(body), /root\.auto creates child queues.*legacy/);
  });

  it('a single child as an object instead of a one-element array is read the same', () => {
    const body = stockCapacity();
    const info = body.scheduler.schedulerInfo;
    info.queues.queue = info.queues.queue[0];
    assert.deepEqual(leafQueuesOf(body), { names: ['default', 'root.default'] });
  });

  it('without queuePath (older RMs): short names only', () => {
    const body = stockCapacity();
    delete body.scheduler.schedulerInfo.queuePath;
    delete queueAt(body, 'root.default').queuePath;
    assert.deepEqual(leafQueuesOf(body), { names: ['default'] });
  });
});

describe('leafQueuesOf: other schedulers (3.4.2 answers)', () => {
  it('FifoScheduler: it accepts any queue name, so no list', () => {
    cannotSay(leafQueuesOf(recorded('scheduler-fifo-3.4.2.json')), /FifoScheduler accepts any queue name/);
  });

  it('FairScheduler: it creates undeclared queues, so no list', () => {
    cannotSay(leafQueuesOf(recorded('scheduler-fair-3.4.2.json')), /FairScheduler creates undeclared queues/);
  });
});

describe('leafQueuesOf: shapes it does not understand are "can\'t say", never a guess', () => {
  const cases: [string, (body: any) => unknown, RegExp][] = [
    ['no scheduler envelope', () => ({ clusterInfo: {} }), /unexpected scheduler answer: scheduler/],
    ['an empty body', () => undefined, /unexpected scheduler answer/],
    ['an unknown scheduler type', (b) => { b.scheduler.schedulerInfo.type = 'slsScheduler'; return b; }, /unknown scheduler type slsScheduler/],
    ['a leaf without queueName', (b) => { delete queueAt(b, 'root.default').queueName; return b; }, /root\.queues\.queue\.0: queueName/],
    ['a leaf without state', (b) => { delete queueAt(b, 'root.default').state; return b; }, /leaf queue root\.default has no state/],
    ['a leaf with child queues', (b) => { queueAt(b, 'root.default').queues = { queue: [{ queueName: 'y', type: 'capacitySchedulerLeafQueueInfo', state: 'RUNNING' }] }; return b; }, /leaf queue root\.default has child queues/],
    ['a parent without children (a plan queue hiding its queues)', (b) => { delete queueAt(b, 'root.default').type; delete queueAt(b, 'root.default').queues; return b; }, /root\.default is neither a leaf nor a parent/],
    ['root without queues', (b) => { delete b.scheduler.schedulerInfo.queues; return b; }, /queue root is neither a leaf nor a parent/],
  ];
  for (const [what, change, why] of cases) {
    it(what, () => cannotSay(leafQueuesOf(change(stockCapacity())), why));
  }
});

describe('ResourceManagerClient.leafQueues', () => {
  const RM1 = 'http://rm1:8088';
  const RM2 = 'http://rm2:8088';

  function fake(handlers: Record<string, (path: string, query: URLSearchParams) => { status: number; body?: unknown; headers?: Record<string, string> }>) {
    const agent = new MockAgent();
    agent.disableNetConnect();
    const calls: string[] = [];
    for (const [origin, handler] of Object.entries(handlers)) {
      agent.get(origin).intercept({ path: () => true, method: () => true }).reply((opts) => {
        const url = new URL(opts.path, origin);
        calls.push(`${origin} ${opts.method} ${url.pathname}?${url.searchParams}`);
        const r = handler(url.pathname, url.searchParams);
        return { statusCode: r.status, data: typeof r.body === 'string' ? r.body : JSON.stringify(r.body ?? ''), responseOptions: { headers: r.headers ?? {} } };
      }).persist();
    }
    return { agent, calls };
  }
  const info = (haState: string) => ({ status: 200, body: { clusterInfo: { id: 1, haState, resourceManagerVersion: '3.4.2', startedOn: 1 } } });

  it('GETs /ws/v1/cluster/scheduler as the region user and parses the answer', async () => {
    const { agent, calls } = fake({ [RM1]: () => ({ status: 200, body: stockCapacity() }) });
    const rm = new ResourceManagerClient({ resourceManagers: [RM1], user: 'sluice', dispatcher: agent });
    assert.deepEqual(await rm.leafQueues(), { names: ['default', 'root.default'] });
    assert.deepEqual(calls, [`${RM1} GET /ws/v1/cluster/scheduler?user.name=sluice`]);
  });

  it('HA: after a failover the old active RM\'s 307 sends the call to the new one, like every other call', async () => {
    let active = RM1;
    const serve = (origin: string) => (path: string) => {
      if (path === '/ws/v1/cluster/info') return info(origin === active ? 'ACTIVE' : 'STANDBY');
      if (origin !== active) return { status: 307, body: 'This is standby RM.', headers: { location: `${active}${path}` } };
      return { status: 200, body: stockCapacity() };
    };
    const { agent, calls } = fake({ [RM1]: serve(RM1), [RM2]: serve(RM2) });
    const rm = new ResourceManagerClient({ resourceManagers: [RM1, RM2], user: 'sluice', dispatcher: agent });
    assert.deepEqual(await rm.leafQueues(), { names: ['default', 'root.default'] });
    active = RM2;
    calls.length = 0;
    assert.deepEqual(await rm.leafQueues(), { names: ['default', 'root.default'] });
    const scheduler = calls.filter((c) => c.includes('/scheduler'));
    assert.deepEqual(scheduler.map((c) => c.split(' ')[0]), [RM1, RM2], calls.join('\n'));
  });

  it('an RM that answers an error: a YarnError naming the step and the RM (not "can\'t say")', async () => {
    const { agent } = fake({ [RM1]: () => ({ status: 500, body: { RemoteException: { exception: 'WebApplicationException', message: 'boom', javaClassName: 'x' } } }) });
    const rm = new ResourceManagerClient({ resourceManagers: [RM1], user: 'sluice', dispatcher: agent });
    await assert.rejects(rm.leafQueues(), (err: unknown) => err instanceof YarnError && err.code === 'RM_ERROR'
      && /^scheduler queues to http:\/\/rm1:8088: 500/.test(err.message));
  });
});
