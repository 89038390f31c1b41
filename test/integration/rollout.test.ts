// Rollout modes end to end on a real Redis, with two API processes (the stack's, and a `sluice
// serve` of its own) and the region workers: off, shadow (with its report), canary (allow-list and a
// stable percentage), on; live changes seen by both APIs at once; accepted jobs untouched by a later
// change; history and events; admins only.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { freePort } from '../../src/dev/local-redis.ts';
import { rolloutBucket } from '../../src/rollout/index.ts';
import { startApiProcess, type ApiProcess } from '../support/api-process.ts';
import { readSse } from '../support/sse.ts';
import { ADMIN_TOKEN, shellJob, Stack } from '../support/stack.ts';
import { waitFor } from '../support/wait-for.ts';

const TEAM_TOKEN = 'team-token-0123456789';
let stack: Stack;
let apiB: ApiProcess;
let closedPort: number;

before(async () => {
  closedPort = await freePort();
  stack = await Stack.start({
    regions: ['ra', 'rb', 'rc'],
    tokens: [
      { token: ADMIN_TOKEN, principal: 'admin', regions: ['*'], admin: true },
      { token: TEAM_TOKEN, principal: 'airflow', regions: ['*'], admin: false },
    ],
    // A check nothing listens for: a job that requires it would wait; shadow mode must say so.
    region: (name) => ({
      preflight: { intervalSeconds: 1, checks: [{ name: 'kms', type: 'tcp', host: '127.0.0.1', port: closedPort }] },
      // rc starts as its file says: a canary for one team.
      ...(name === 'rc' ? { rollout: { mode: 'canary', canary: { teams: ['search'] } } } : {}),
    }),
  });
  apiB = await startApiProcess(stack.env);
  // Shadow reports read the health the workers publish: wait until both regions have reported.
  for (const region of ['ra', 'rb']) {
    await waitFor(async () => {
      const { health } = await regionView(region);
      return health.intake === 'open' && health.queues !== null;
    }, { what: `region ${region} reports its health and its RM's queues`, timeoutMs: 20_000 });
  }
});

after(async () => {
  await apiB?.stop();
  await stack?.close();
});

async function regionView(name: string) {
  const res = await stack.request('GET', '/v1/regions');
  return res.body.regions.find((r: { name: string }) => r.name === name);
}

function setRollout(region: string, body: Record<string, unknown>, opts: { token?: string; base?: string } = {}) {
  return stack.request('PUT', `/v1/regions/${region}/rollout`, { body, ...opts });
}

function decision(region: string, query: string, base?: string) {
  return stack.request('GET', `/v1/regions/${region}/rollout/decision?${query}`, { base, token: TEAM_TOKEN });
}

const labelled = (region: string, labels: Record<string, string>, extra: Record<string, unknown> = {}) =>
  shellJob(region, 'echo hi', { labels, ...extra });

test('off: submissions are refused with REGION_DISABLED; the decision says legacy', async () => {
  assert.equal((await setRollout('rb', { mode: 'off', reason: 'not ready' })).status, 200);
  const res = await stack.submit(labelled('rb', { team: 'search', dag: 'd', task: 't' }), { token: TEAM_TOKEN });
  assert.equal(res.status, 409);
  assert.equal(res.body.error.code, 'REGION_DISABLED');
  assert.match(res.body.error.message, /region rb: the region is off/);
  const d = await decision('rb', 'team=search&dag=d&task=t');
  assert.deepEqual([d.body.route, d.body.mode], ['legacy', 'off']);
  await setRollout('rb', { mode: 'on', reason: 'back on' });
});

test('shadow: recorded SHADOWED with a report, never sent to YARN; the region\'s limits become findings, not a 400', async () => {
  await setRollout('rb', { mode: 'shadow', reason: 'dry run' });
  const appsBefore = await emulatorApps('rb');

  const fine = await stack.submit(labelled('rb', { team: 'search', dag: 'd', task: 'ok' }), { token: TEAM_TOKEN });
  assert.equal(fine.status, 202, JSON.stringify(fine.body));
  assert.equal(fine.body.state, 'SHADOWED');
  assert.equal(fine.body.rollout.mode, 'shadow');
  assert.equal(fine.body.shadow.wouldRun, true, JSON.stringify(fine.body.shadow));
  assert.deepEqual(fine.body.shadow.findings, []);
  assert.deepEqual(fine.body.shadow.queue, { name: 'default', known: true });
  assert.ok(fine.body.finishedAt);

  const bad = await stack.submit(labelled('rb', { team: 'search', dag: 'd', task: 'bad' }, {
    requires: ['kms', 'vault'], resources: { memoryMb: 999_999 }, queue: 'no-such-queue',
  }), { token: TEAM_TOKEN });
  assert.equal(bad.status, 202, JSON.stringify(bad.body));
  assert.equal(bad.body.shadow.wouldRun, false);
  const codes = bad.body.shadow.findings.map((f: { code: string }) => f.code).sort();
  assert.deepEqual(codes, ['CHECK_FAILING', 'LIMIT_EXCEEDED', 'UNKNOWN_CHECK', 'UNKNOWN_QUEUE']);
  assert.deepEqual(bad.body.shadow.queue, { name: 'no-such-queue', known: false });
  const failing = bad.body.shadow.findings.find((f: { code: string }) => f.code === 'CHECK_FAILING');
  assert.match(failing.message, /check "kms" fails: CONNECTION_REFUSED/);

  // Its event stream: one event, straight to SHADOWED, then the end.
  const events = await readSse(`${stack.api}/v1/jobs/${fine.body.id}/events`, { token: ADMIN_TOKEN, timeoutMs: 5000 });
  assert.deepEqual(events.map((e) => [e.data.from, e.data.to]), [[null, 'SHADOWED']]);
  // A cancel is a no-op on a terminal job; nothing reached YARN.
  assert.equal((await stack.request('POST', `/v1/jobs/${fine.body.id}/cancel`)).status, 200);
  assert.equal(await emulatorApps('rb'), appsBefore);
  const d = await decision('rb', 'dag=d&task=x');
  assert.deepEqual([d.body.route, d.body.mode], ['shadow', 'shadow']);
  await setRollout('rb', { mode: 'on', reason: 'dry run over' });
});

test('canary: the allow-list and a stable hash percentage let jobs in; others get NOT_IN_ROLLOUT', async () => {
  const [inKey, outKey] = keysAroundPercent(10);
  const change = await setRollout('ra', { mode: 'canary', canary: { teams: ['search'], tasks: ['etl/load'], percent: 10 }, reason: 'canary 10% + search' });
  assert.equal(change.status, 200, JSON.stringify(change.body));

  const byTeam = await stack.submit(labelled('ra', { team: 'search', dag: 'any', task: 'thing' }), { token: TEAM_TOKEN });
  assert.equal(byTeam.status, 202, JSON.stringify(byTeam.body));
  assert.equal(byTeam.body.rollout.mode, 'canary');
  assert.match(byTeam.body.rollout.reason, /team "search" is allow-listed/);
  await stack.waitForState(byTeam.body.id, 'SUCCEEDED');

  const byTask = await stack.submit(labelled('ra', { team: 'ads', dag: 'etl', task: 'load' }), { token: TEAM_TOKEN });
  assert.equal(byTask.status, 202);

  const byHash = await stack.submit(labelled('ra', { team: 'ads', ...inKey }), { token: TEAM_TOKEN });
  assert.equal(byHash.status, 202, JSON.stringify(byHash.body));
  assert.match(byHash.body.rollout.reason, /bucket \d+, under 10%/);

  const refused = await stack.submit(labelled('ra', { team: 'ads', ...outKey }), { token: TEAM_TOKEN });
  assert.equal(refused.status, 409);
  assert.equal(refused.body.error.code, 'NOT_IN_ROLLOUT');
  assert.match(refused.body.error.message, /canary: team "ads", DAG ".*", task ".*" is not allow-listed and rollout key ".*" is in bucket \d+, not under 10%/);

  // An explicit rolloutKey is what the percentage hashes.
  const explicit = await stack.submit(labelled('ra', { team: 'ads', ...outKey }, { rolloutKey: `${inKey.dag}/${inKey.task}` }), { token: TEAM_TOKEN });
  assert.equal(explicit.status, 202, JSON.stringify(explicit.body));
});

test('canary is stable: the same key gets the same answer from both API processes and after a restart', async () => {
  const [inKey, outKey] = keysAroundPercent(10);
  const ask = async (base?: string) => Promise.all([inKey, outKey].map(async (k) => (await decision('ra', `team=ads&dag=${k.dag}&task=${k.task}`, base)).body));
  const fromA = await ask();
  const fromB = await ask(apiB.url);
  assert.deepEqual(fromA.map((d) => d.route), ['sluice', 'legacy']);
  assert.deepEqual(fromB, fromA);
  assert.equal(fromA[0].bucket, rolloutBucket(`${inKey.dag}/${inKey.task}`));

  await apiB.stop();
  apiB = await startApiProcess(stack.env);
  assert.deepEqual(await ask(apiB.url), fromA);
  // Its file says "on"; the live canary wins, and the restarted API says so.
  assert.match(apiB.output.join(''), /region ra: the rollout in force is \\"canary\\" \(set live by admin/);
  // And submissions through B agree with its decisions.
  const viaB = await Promise.all([inKey, outKey].map((k) => stack.request('POST', '/v1/jobs', { base: apiB.url, token: TEAM_TOKEN, body: labelled('ra', { team: 'ads', ...k }) })));
  assert.deepEqual(viaB.map((r) => r.status), [202, 409]);
});

test('a live change made through one API process is in force in the other on its next request', async () => {
  await setRollout('ra', { mode: 'on', reason: 'canary done' });
  const job = labelled('ra', { team: 'ads', dag: 'live', task: 'switch' });
  assert.equal((await stack.request('POST', '/v1/jobs', { base: apiB.url, token: TEAM_TOKEN, body: job })).status, 202);

  const changed = await setRollout('ra', { mode: 'off', reason: 'incident 42' });
  assert.equal(changed.status, 200);
  const startedAt = Date.now();
  // No waiting: the very next request to the other process is judged by the new mode.
  const viaB = await stack.request('POST', '/v1/jobs', { base: apiB.url, token: TEAM_TOKEN, body: job });
  assert.equal(viaB.status, 409, JSON.stringify(viaB.body));
  assert.equal(viaB.body.error.code, 'REGION_DISABLED');
  assert.ok(Date.now() - startedAt < 1000);
  assert.equal((await stack.request('GET', '/v1/regions/ra/rollout', { base: apiB.url })).body.mode, 'off');
  await setRollout('ra', { mode: 'on', reason: 'incident over' });
});

test('a job accepted before a switch to off runs to its end; its Idempotency-Key still answers with it', async () => {
  await setRollout('ra', { mode: 'on', reason: 'start' });
  const running = await stack.submit(shellJob('ra', 'sleep 1; echo done'), { idempotencyKey: 'before-off-1' });
  assert.equal(running.status, 202);
  // One more that is still QUEUED at the switch: its worker is stopped.
  await stack.stopWorker('ra');
  const queued = await stack.submit(shellJob('ra', 'echo queued'));
  assert.equal(queued.status, 202);

  await setRollout('ra', { mode: 'off', reason: 'freeze' });
  const retry = await stack.submit(shellJob('ra', 'sleep 1; echo done'), { idempotencyKey: 'before-off-1' });
  assert.equal(retry.status, 200, 'a retry of an accepted job is answered with it, not refused');
  assert.equal(retry.body.id, running.body.id);
  assert.equal((await stack.submit(shellJob('ra', 'echo new'))).status, 409);

  await stack.startWorker('ra');
  assert.equal((await stack.waitForState(running.body.id, 'SUCCEEDED')).state, 'SUCCEEDED');
  assert.equal((await stack.waitForState(queued.body.id, 'SUCCEEDED')).state, 'SUCCEEDED');
  await setRollout('ra', { mode: 'on', reason: 'thaw' });
});

test('every change is in the history and published as region.rollout_changed; an unchanged PUT records nothing', async () => {
  await setRollout('rb', { mode: 'on', reason: 'baseline' });
  const since = (await stack.request('GET', '/v1/regions/rb/rollout/history?limit=1')).body.history[0]?.id;
  let opened!: () => void;
  const open = new Promise<void>((r) => { opened = r; });
  const events = readSse(`${stack.api}/v1/events?region=rb`, {
    token: ADMIN_TOKEN, timeoutMs: 10_000, onOpen: () => opened(),
    stop: (e) => e.event === 'region.rollout_changed' && e.data.to === 'on',
  });
  await open; // subscribed before the changes
  const toShadow = await setRollout('rb', { mode: 'shadow', reason: 'try it' });
  assert.equal(toShadow.body.change.version, toShadow.body.rollout.version);
  const again = await setRollout('rb', { mode: 'shadow', reason: 'try it again' });
  assert.equal(again.status, 200);
  assert.equal(again.body.change, null, 'the setting was already in force');
  await setRollout('rb', { mode: 'on', reason: 'tried' });

  const seen = (await events).filter((e) => e.event === 'region.rollout_changed');
  assert.deepEqual(seen.map((e) => [e.data.from, e.data.to, e.data.by, e.data.reason]), [['on', 'shadow', 'admin', 'try it'], ['shadow', 'on', 'admin', 'tried']]);

  const history = (await stack.request('GET', '/v1/regions/rb/rollout/history?limit=50', { token: TEAM_TOKEN })).body.history;
  const newer = since ? history.slice(0, history.findIndex((h: { id: string }) => h.id === since)) : history;
  assert.deepEqual(newer.map((h: any) => [h.from.mode, h.to.mode, h.by, h.reason]), [['shadow', 'on', 'admin', 'tried'], ['on', 'shadow', 'admin', 'try it']]);
  assert.ok(newer.every((h: any) => !Number.isNaN(Date.parse(h.at))));
  const view = (await stack.request('GET', '/v1/regions/rb/rollout')).body;
  assert.deepEqual([view.mode, view.source, view.updatedBy, view.reason, view.version], ['on', 'live', 'admin', 'tried', newer[0].version]);
});

test('the region file gives the starting setting; the first live change starts from it', async () => {
  const start = (await stack.request('GET', '/v1/regions/rc/rollout')).body;
  assert.deepEqual([start.mode, start.canary.teams, start.source, start.version], ['canary', ['search'], 'file', 0]);
  assert.equal((await stack.submit(labelled('rc', { team: 'search', dag: 'a', task: 'b' }), { token: TEAM_TOKEN })).status, 202);
  assert.equal((await stack.submit(labelled('rc', { team: 'ads', dag: 'a', task: 'b' }), { token: TEAM_TOKEN })).body.error.code, 'NOT_IN_ROLLOUT');
  assert.deepEqual((await stack.request('GET', '/v1/regions/rc/rollout/history')).body.history, []);

  await setRollout('rc', { mode: 'on', reason: 'from the file to on' });
  const [first] = (await stack.request('GET', '/v1/regions/rc/rollout/history')).body.history;
  assert.deepEqual(first.from, { mode: 'canary', canary: { teams: ['search'], dags: [], tasks: [], percent: 0 } });
  // A change without `canary` keeps the canary setting in force.
  assert.deepEqual(first.to.canary.teams, ['search']);
});

test('two admins changing a region at once: every change applies to the setting before it, none is lost', async () => {
  for (let round = 0; round < 8; round++) {
    await Promise.all([
      setRollout('rc', { mode: 'canary', canary: { teams: [`team-${round}`] }, reason: `A ${round}` }),
      // Through the other process; keeps whatever canary is in force.
      setRollout('rc', { mode: round % 2 ? 'shadow' : 'on', reason: `B ${round}` }, { base: apiB.url }),
    ]);
  }
  const history = (await stack.request('GET', '/v1/regions/rc/rollout/history?limit=100')).body.history as any[];
  for (let i = 0; i + 1 < history.length; i++) {
    assert.deepEqual(history[i].from, history[i + 1].to, `change ${history[i].version} starts where ${history[i + 1].version} ended`);
  }
  for (const h of history.filter((e) => e.reason.startsWith('B '))) {
    assert.deepEqual(h.to.canary, h.from.canary, `${h.reason} kept the canary in force (${JSON.stringify(h.from.canary)}), not a stale one`);
  }
  const now = (await stack.request('GET', '/v1/regions/rc/rollout')).body;
  assert.deepEqual({ mode: now.mode, canary: now.canary }, history[0].to);
});

test('a change whose event was lost is published when the change is asked for again', async () => {
  await setRollout('rc', { mode: 'off', reason: 'lost event' });
  const last = (await stack.request('GET', '/v1/regions/rc/rollout/history?limit=1')).body.history[0];
  // As if the API died between the change and its event: the change is recorded, not marked published.
  const previous = (await stack.request('GET', '/v1/regions/rc/rollout/history?limit=2')).body.history[1];
  await stack.redis.hset(`${stack.ns}:{region:rc}:rollout`, 'published', previous.id);
  const tail = (await stack.redis.xrevrange(`${stack.ns}:events`, '+', '-', 'COUNT', 1))[0]![0];

  const retry = await setRollout('rc', { mode: 'off', reason: 'lost event' });
  assert.equal(retry.body.change, null, 'nothing new recorded');
  const after = await stack.redis.xrange(`${stack.ns}:events`, `(${tail}`, '+');
  const published = after.map(([, f]) => Object.fromEntries(f.flatMap((v, i) => (i % 2 ? [] : [[v, f[i + 1]]]))))
    .filter((e) => e.type === 'region.rollout_changed' && e.region === 'rc');
  assert.deepEqual(published.map((e) => [e.to, e.version, e.reason]), [['off', String(last.version), 'lost event']]);
});

test('only admins change a rollout; a reason is required; the region must exist', async () => {
  const denied = await setRollout('ra', { mode: 'off', reason: 'mine' }, { token: TEAM_TOKEN });
  assert.equal(denied.status, 403);
  assert.equal(denied.body.error.code, 'ADMIN_REQUIRED');
  assert.equal((await stack.request('GET', '/v1/regions/ra/rollout')).body.mode, 'on', 'nothing changed');

  const noReason = await setRollout('ra', { mode: 'off' });
  assert.equal(noReason.status, 400);
  assert.deepEqual(noReason.body.error.issues.map((i: { path: string[] }) => i.path.join('.')), ['body.reason']);
  const blank = await setRollout('ra', { mode: 'off', reason: '   ' });
  assert.equal(blank.status, 400);
  const badMode = await setRollout('ra', { mode: 'sideways', reason: 'x' });
  assert.equal(badMode.status, 400);
  assert.equal(badMode.body.error.issues[0].path.join('.'), 'body.mode');
  const badPercent = await setRollout('ra', { mode: 'canary', canary: { percent: 101 }, reason: 'x' });
  assert.equal(badPercent.body.error.issues[0].path.join('.'), 'body.canary.percent');

  const missing = await setRollout('nowhere', { mode: 'off', reason: 'x' });
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.code, 'REGION_NOT_FOUND');
  assert.match(missing.body.error.message, /known: ra, rb/);
  assert.equal((await stack.request('GET', '/v1/regions/ra/rollout')).body.mode, 'on');
});

async function emulatorApps(region: string): Promise<number> {
  const res = await fetch(`${stack.emulators.get(region)!.url}/ws/v1/cluster/apps`);
  const body = (await res.json()) as { apps: { app?: unknown[] } | null };
  return body.apps?.app?.length ?? 0;
}

/** A DAG/task whose rollout key is under `percent`, and one that is not. */
function keysAroundPercent(percent: number): [{ dag: string; task: string }, { dag: string; task: string }] {
  let inside: { dag: string; task: string } | undefined;
  let outside: { dag: string; task: string } | undefined;
  for (let i = 0; !inside || !outside; i++) {
    const k = { dag: 'reports', task: `t${i}` };
    if (rolloutBucket(`${k.dag}/${k.task}`) < percent * 100) inside ??= k;
    else outside ??= k;
  }
  return [inside, outside];
}
