// Bull Board at /admin/queues and its login, over HTTP: the form, the session cookie (its
// attributes, its life in Redis, logout, expiry, a second API process, a token taken away or
// rotated), admin bearer tokens for curl, refusals (401, 403, the login page for a browser), the
// limit on failed logins, cross-site requests refused, read-only unless admin.boardActions and then
// only retry, clean and promote, no token in a URL or a log line, and a fast 503 with Redis gone.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { Queue } from 'bullmq';
import { startLocalRedis, type LocalRedis } from '../../src/dev/local-redis.ts';
import { queuePrefix, submitQueueName } from '../../src/queue/queue-names.ts';
import { keysFor } from '../../src/store/index.ts';
import { startApiProcess, type ApiProcess } from '../support/api-process.ts';
import { ADMIN_TOKEN, shellJob, Stack } from '../support/stack.ts';
import { waitFor } from '../support/wait-for.ts';

const TEAM_TOKEN = 'team-token-not-admin-0123';
const TOKENS = [
  { token: ADMIN_TOKEN, principal: 'admin', regions: ['*'], admin: true },
  { token: TEAM_TOKEN, principal: 'airflow', regions: ['*'], admin: false },
];
const REGIONS = ['local-a', 'local-b'];
const FORM = 'application/x-www-form-urlencoded';
const HTML = 'text/html,application/xhtml+xml';

let stack: Stack;
/** Board actions on, sessions of 2 s. */
let actionStack: Stack;
/** A `sluice serve` of its own on the same Redis and namespace, logging every request. */
let apiB: ApiProcess;
const queues: Queue[] = [];

before(async () => {
  // No workers: a submitted job stays in its submit queue for the board to show.
  stack = await Stack.start({ regions: REGIONS, tokens: TOKENS, startWorkers: false });
  actionStack = await Stack.start({
    regions: REGIONS, tokens: TOKENS, startWorkers: false,
    env: { SLUICE_ADMIN_BOARD_ACTIONS: 'true', SLUICE_ADMIN_SESSION_TTL_SECONDS: '2' },
  });
  apiB = await startApiProcess({ ...stack.env, SLUICE_LOG_LEVEL: 'debug' });
});

after(async () => {
  await Promise.allSettled(queues.map((q) => q.close()));
  await apiB?.stop();
  await stack?.close();
  await actionStack?.close();
});

interface Answer { status: number; headers: Headers; text: string; json: any }

async function http(base: string, method: string, path: string, opts: { headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  const res = await fetch(`${base}${path}`, { method, headers: opts.headers, body: opts.body, redirect: 'manual' });
  const text = await res.text();
  let json: unknown = null;
  try { json = JSON.parse(text); } catch { /* a page */ }
  return { status: res.status, headers: res.headers, text, json };
}

/** Logs in through the form; returns the whole answer and the cookie to send back. */
async function login(base: string, token: string): Promise<{ res: Answer; cookie: string }> {
  const res = await http(base, 'POST', '/admin/login', { headers: { 'content-type': FORM }, body: new URLSearchParams({ token }).toString() });
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { res, cookie: setCookie.split(';')[0]! };
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const sessionId = (cookie: string) => cookie.replace(/^sluice_admin=/, '');
const sessionKey = (s: Stack, cookie: string) => keysFor(s.ns).adminSession(createHash('sha256').update(sessionId(cookie)).digest('hex'));

/** A BullMQ handle on a region's submit queue, as the board sees it. */
function submitQueue(s: Stack, region: string): Queue {
  const q = new Queue(submitQueueName(region), { connection: s.redis, prefix: queuePrefix(s.ns, region) });
  queues.push(q);
  return q;
}

test('GET /admin/login: a self-contained form that POSTs a token, with a CSP', async () => {
  const res = await http(stack.api, 'GET', '/admin/login');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type')!, /^text\/html/);
  const csp = res.headers.get('content-security-policy')!;
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /form-action 'self'/);
  assert.match(res.text, /<form method="post" action="\/admin\/login">/);
  assert.match(res.text, /<input type="password" id="token" name="token"/);
  // Not "no-referrer": with it a browser posts the form with "Origin: null", which is refused.
  assert.match(res.text, /<meta name="referrer" content="same-origin">/);
  // Nothing loaded from elsewhere: no script, no external stylesheet or image.
  assert.doesNotMatch(res.text, /<script|<link|src=|https?:\/\//);
  // A token in the URL is not a login.
  const viaUrl = await http(stack.api, 'GET', `/admin/login?token=${ADMIN_TOKEN}`);
  assert.equal(viaUrl.status, 200);
  assert.equal(viaUrl.headers.get('set-cookie'), null);
  assert.ok(!viaUrl.text.includes(ADMIN_TOKEN));
});

test('admin login: 303 to the board with an HttpOnly, SameSite=Strict cookie for /admin; the session opens the board and its API', async () => {
  const job = await stack.submit(shellJob('local-a', 'echo board'));
  assert.equal(job.status, 202);

  const { res, cookie } = await login(stack.api, ADMIN_TOKEN);
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/admin/queues');
  const setCookie = res.headers.get('set-cookie')!;
  assert.match(setCookie, /^sluice_admin=[A-Za-z0-9_-]{43};/);
  assert.match(setCookie, /; HttpOnly/);
  assert.match(setCookie, /; SameSite=Strict/);
  assert.match(setCookie, /; Path=\/admin(;|$)/);
  assert.match(setCookie, /; Max-Age=28800(;|$)/);
  assert.doesNotMatch(setCookie, /Secure/, 'plain http: no Secure flag');

  // In Redis: the id's hash (never the id) → the principal and its token's hash (never the token),
  // expiring with the cookie.
  const key = sessionKey(stack, cookie);
  assert.match(key, /:\{admin\}:session:[0-9a-f]{64}$/);
  const stored = (await stack.redis.get(key))!;
  assert.deepEqual(JSON.parse(stored), { principal: 'admin', tokenDigest: sha256(ADMIN_TOKEN) });
  assert.ok(!stored.includes(ADMIN_TOKEN));
  const ttl = await stack.redis.ttl(key);
  assert.ok(ttl > 28700 && ttl <= 28800, `ttl ${ttl}`);
  assert.equal((await stack.redis.keys(`${stack.ns}:*${sessionId(cookie)}*`)).length, 0);

  const page = await http(stack.api, 'GET', '/admin/queues', { headers: { cookie, accept: HTML } });
  assert.equal(page.status, 200);
  assert.match(page.text, /<base href="\/admin\/queues\/"/);

  const api = await http(stack.api, 'GET', '/admin/queues/api/queues?activeQueue=local-a%2Fsubmit-local-a', { headers: { cookie } });
  assert.equal(api.status, 200, api.text);
  const listed = api.json.queues.map((q: any) => [q.name, q.displayName, q.delimiter]);
  assert.deepEqual(listed.sort(), [
    ['local-a/control-local-a', 'local-a · control', '/'],
    ['local-a/submit-local-a', 'local-a · submit', '/'],
    ['local-b/control-local-b', 'local-b · control', '/'],
    ['local-b/submit-local-b', 'local-b · submit', '/'],
    ['webhooks/webhooks', 'webhooks · deliveries', '/'],
  ]);
  const submitA = api.json.queues.find((q: any) => q.name === 'local-a/submit-local-a');
  assert.equal(submitA.counts.waiting, 1);
  assert.deepEqual(submitA.jobs.map((j: any) => j.id), [job.body.id]);
  assert.ok(api.json.queues.every((q: any) => q.readOnlyMode === true && q.allowRetries === false));

  // The board's own assets need the session too, and get it.
  const asset = /src="(static\/js\/[^"]+\.js)"/.exec(page.text)![1];
  assert.equal((await http(stack.api, 'GET', `/admin/queues/${asset}`, { headers: { cookie } })).status, 200);
  assert.equal((await http(stack.api, 'GET', `/admin/queues/${asset}`)).status, 401);
});

test('login by JSON works too; wrong and missing tokens are refused (401, 400), as a page for the form', async () => {
  const json = await http(stack.api, 'POST', '/admin/login', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: ADMIN_TOKEN }) });
  assert.equal(json.status, 303);
  assert.match(json.headers.get('set-cookie')!, /^sluice_admin=/);

  const wrongJson = await http(stack.api, 'POST', '/admin/login', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 'not-a-token-at-all' }) });
  assert.equal(wrongJson.status, 401);
  assert.equal(wrongJson.json.error.code, 'UNAUTHENTICATED');
  assert.equal(wrongJson.headers.get('set-cookie'), null);

  const { res: wrongForm } = await login(stack.api, 'not-a-token-<b>at</b>-all');
  assert.equal(wrongForm.status, 401);
  assert.match(wrongForm.headers.get('content-type')!, /^text\/html/);
  assert.match(wrongForm.text, /class="error"[^>]*>unknown token</);
  assert.equal(wrongForm.headers.get('set-cookie'), null);

  const missing = await http(stack.api, 'POST', '/admin/login', { headers: { 'content-type': 'application/json' }, body: '{}' });
  assert.equal(missing.status, 400);
  assert.equal(missing.json.error.code, 'INVALID_REQUEST');
});

test('a non-admin token: 403 at the login (no session) and as a bearer; an admin bearer opens the board', async () => {
  const { res } = await login(stack.api, TEAM_TOKEN);
  assert.equal(res.status, 403);
  assert.match(res.text, /admin required/);
  assert.equal(res.headers.get('set-cookie'), null);
  const json = await http(stack.api, 'POST', '/admin/login', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: TEAM_TOKEN }) });
  assert.equal(json.status, 403);
  assert.equal(json.json.error.code, 'ADMIN_REQUIRED');

  const teamBearer = await http(stack.api, 'GET', '/admin/queues/api/queues', { headers: { authorization: `Bearer ${TEAM_TOKEN}` } });
  assert.equal(teamBearer.status, 403);
  assert.equal(teamBearer.json.error.code, 'ADMIN_REQUIRED');
  const teamPage = await http(stack.api, 'GET', '/admin/queues', { headers: { authorization: `Bearer ${TEAM_TOKEN}`, accept: HTML } });
  assert.equal(teamPage.status, 403);

  const unknownBearer = await http(stack.api, 'GET', '/admin/queues/api/queues', { headers: { authorization: 'Bearer nobody-knows-this-one' } });
  assert.equal(unknownBearer.status, 401);
  assert.equal(unknownBearer.json.error.code, 'UNAUTHENTICATED');

  const adminBearer = await http(stack.api, 'GET', '/admin/queues/api/queues', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  assert.equal(adminBearer.status, 200);
  assert.equal(adminBearer.json.queues.length, 5);
});

test('without a session: the page redirects to the login, the API answers 401; a made-up cookie is no session', async () => {
  const page = await http(stack.api, 'GET', '/admin/queues', { headers: { accept: HTML } });
  assert.equal(page.status, 303);
  assert.equal(page.headers.get('location'), '/admin/login');
  const deep = await http(stack.api, 'GET', '/admin/queues/queue/local-a%2Fsubmit-local-a', { headers: { accept: HTML } });
  assert.equal(deep.status, 303);
  const api = await http(stack.api, 'GET', '/admin/queues/api/queues');
  assert.equal(api.status, 401);
  assert.equal(api.json.error.code, 'UNAUTHENTICATED');
  const forged = await http(stack.api, 'GET', '/admin/queues/api/queues', { headers: { cookie: `sluice_admin=${'A'.repeat(43)}` } });
  assert.equal(forged.status, 401);
  // The rest of the API still wants its bearer token; a session cookie is not one.
  const { cookie } = await login(stack.api, ADMIN_TOKEN);
  const jobs = await http(stack.api, 'GET', '/v1/jobs', { headers: { cookie } });
  assert.equal(jobs.status, 401);
});

test('logout deletes the session (in Redis) and clears the cookie', async () => {
  const { cookie } = await login(stack.api, ADMIN_TOKEN);
  assert.equal((await http(stack.api, 'GET', '/admin/queues/api/queues', { headers: { cookie } })).status, 200);
  // The GET only offers the POST: a link can't log anyone out.
  const confirm = await http(stack.api, 'GET', '/admin/logout', { headers: { cookie } });
  assert.equal(confirm.status, 200);
  assert.match(confirm.text, /<form method="post" action="\/admin\/logout">/);
  assert.equal(await stack.redis.exists(sessionKey(stack, cookie)), 1);

  const out = await http(stack.api, 'POST', '/admin/logout', { headers: { cookie } });
  assert.equal(out.status, 303);
  assert.equal(out.headers.get('location'), '/admin/login');
  assert.match(out.headers.get('set-cookie')!, /^sluice_admin=; .*Path=\/admin/);
  assert.match(out.headers.get('set-cookie')!, /Expires=Thu, 01 Jan 1970|Max-Age=0/);
  assert.equal(await stack.redis.exists(sessionKey(stack, cookie)), 0);
  const after = await http(stack.api, 'GET', '/admin/queues/api/queues', { headers: { cookie } });
  assert.equal(after.status, 401);
});

test('an expired session (SLUICE_ADMIN_SESSION_TTL_SECONDS=2) is refused', async () => {
  const { res, cookie } = await login(actionStack.api, ADMIN_TOKEN);
  assert.match(res.headers.get('set-cookie')!, /; Max-Age=2(;|$)/);
  assert.equal((await http(actionStack.api, 'GET', '/admin/queues/api/queues', { headers: { cookie } })).status, 200);
  await waitFor(async () => (await actionStack.redis.exists(sessionKey(actionStack, cookie))) === 0, { what: 'the session key expires', timeoutMs: 5000 });
  const expired = await http(actionStack.api, 'GET', '/admin/queues/api/queues', { headers: { cookie } });
  assert.equal(expired.status, 401);
  assert.match(expired.json.error.message, /expired/);
  const page = await http(actionStack.api, 'GET', '/admin/queues', { headers: { cookie, accept: HTML } });
  assert.equal(page.status, 303);
});

test('sessions live in Redis: one made on one API process works on another; removing the token (or its admin flag) ends it', async () => {
  const { cookie } = await login(stack.api, ADMIN_TOKEN);
  assert.equal((await http(apiB.url, 'GET', '/admin/queues/api/queues', { headers: { cookie } })).status, 200);

  const tokensWithout = TOKENS.filter((t) => t.principal !== 'admin').concat({ token: 'another-admin-token-42', principal: 'ops', regions: ['*'], admin: true });
  const apiC = await startApiProcess({ ...stack.env, SLUICE_TOKENS: JSON.stringify(tokensWithout) });
  try {
    const gone = await http(apiC.url, 'GET', '/admin/queues/api/queues', { headers: { cookie } });
    assert.equal(gone.status, 401);
    assert.match(gone.json.error.message, /no longer has a token/);
  } finally {
    await apiC.stop();
  }
  const demoted = TOKENS.map((t) => ({ ...t, admin: false }));
  const apiD = await startApiProcess({ ...stack.env, SLUICE_TOKENS: JSON.stringify(demoted) });
  try {
    const res = await http(apiD.url, 'GET', '/admin/queues/api/queues', { headers: { cookie } });
    assert.equal(res.status, 403);
    assert.equal(res.json.error.code, 'ADMIN_REQUIRED');
  } finally {
    await apiD.stop();
  }
});

test('rotating a token (a new value, the same principal) ends the sessions made with the old one', async () => {
  const { cookie } = await login(stack.api, ADMIN_TOKEN);
  const NEW_TOKEN = 'rotated-admin-token-0456';
  const rotated = TOKENS.map((t) => (t.principal === 'admin' ? { ...t, token: NEW_TOKEN } : t));
  // While a rotation rolls out, both tokens are configured: both logins are good.
  const both = [...TOKENS, { ...TOKENS[0]!, token: NEW_TOKEN }];
  const [apiR, apiO] = await Promise.all([
    startApiProcess({ ...stack.env, SLUICE_TOKENS: JSON.stringify(rotated) }),
    startApiProcess({ ...stack.env, SLUICE_TOKENS: JSON.stringify(both) }),
  ]);
  try {
    const old = await http(apiR.url, 'GET', '/admin/queues/api/queues', { headers: { cookie } });
    assert.equal(old.status, 401);
    assert.equal(old.json.error.code, 'UNAUTHENTICATED');
    assert.equal(old.json.error.message, 'the token this session was made with is no longer valid: log in again');
    const page = await http(apiR.url, 'GET', '/admin/queues', { headers: { cookie, accept: HTML } });
    assert.equal(page.status, 303);
    assert.equal(page.headers.get('location'), '/admin/login');

    const fresh = await login(apiR.url, NEW_TOKEN);
    assert.equal(fresh.res.status, 303);
    assert.equal((await http(apiR.url, 'GET', '/admin/queues/api/queues', { headers: { cookie: fresh.cookie } })).status, 200);
    // The stack still has the old config: there the new token's session is the stale one.
    assert.equal((await http(stack.api, 'GET', '/admin/queues/api/queues', { headers: { cookie: fresh.cookie } })).status, 401);

    for (const c of [cookie, fresh.cookie]) assert.equal((await http(apiO.url, 'GET', '/admin/queues/api/queues', { headers: { cookie: c } })).status, 200);
  } finally {
    await Promise.all([apiR.stop(), apiO.stop()]);
  }
});

test('failed logins: after 10 from an address within 5 minutes it gets 429 TOO_MANY_LOGINS with Retry-After; successful logins do not count', async () => {
  // A process of its own: the count is per process, and the other tests' failures stay out of it.
  const api = await startApiProcess({ ...stack.env });
  try {
    for (let i = 0; i < 12; i++) assert.equal((await login(api.url, ADMIN_TOKEN)).res.status, 303);
    for (let i = 0; i < 8; i++) assert.equal((await login(api.url, `wrong-token-${i}`)).res.status, 401);
    const missing = await http(api.url, 'POST', '/admin/login', { headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(missing.status, 400);
    // Nine failures: the admin still gets in (and that doesn't count either).
    assert.equal((await login(api.url, ADMIN_TOKEN)).res.status, 303);
    assert.equal((await login(api.url, TEAM_TOKEN)).res.status, 403, 'the tenth failure');

    for (const token of ['wrong-once-more', ADMIN_TOKEN]) {
      const res = await http(api.url, 'POST', '/admin/login', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
      assert.equal(res.status, 429, token);
      assert.equal(res.json.error.code, 'TOO_MANY_LOGINS');
      const retryAfter = Number(res.headers.get('retry-after'));
      assert.ok(retryAfter > 240 && retryAfter <= 300, `Retry-After ${retryAfter}`);
      assert.equal(res.headers.get('set-cookie'), null);
    }
    const form = await login(api.url, ADMIN_TOKEN);
    assert.equal(form.res.status, 429);
    assert.match(form.res.headers.get('content-type')!, /^text\/html/);
    assert.match(form.res.text, /class="error"[^>]*>too many failed logins from this address: try again in \d+ s</);
    assert.ok(Number(form.res.headers.get('retry-after')) > 0);
    // Only logins wait: bearer tokens work as before.
    assert.equal((await http(api.url, 'GET', '/admin/queues/api/queues', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status, 200);
  } finally {
    await api.stop();
  }
});

test('cross-site requests under /admin are refused (403 CROSS_SITE_REQUEST); same-origin pages and curl pass', async () => {
  const own = new URL(stack.api).origin;
  const body = new URLSearchParams({ token: ADMIN_TOKEN }).toString();
  const crossSite: Record<string, string>[] = [
    { origin: 'http://evil.example' },
    { origin: 'null' },
    { origin: own.replace('127.0.0.1', 'localhost') },
    { 'sec-fetch-site': 'same-site' }, // a page on a sibling subdomain: SameSite=Strict lets the cookie through
    { 'sec-fetch-site': 'cross-site' },
    { origin: own, 'sec-fetch-site': 'same-site' },
  ];
  for (const headers of crossSite) {
    const res = await http(stack.api, 'POST', '/admin/login', { headers: { 'content-type': FORM, ...headers }, body });
    assert.equal(res.status, 403, JSON.stringify(headers));
    assert.equal(res.json.error.code, 'CROSS_SITE_REQUEST');
    assert.equal(res.headers.get('set-cookie'), null);
  }
  const evil = await http(stack.api, 'POST', '/admin/login', { headers: { 'content-type': FORM, origin: 'http://evil.example' }, body });
  assert.match(evil.json.error.message, /^refused POST \/admin\/login: Origin http:\/\/evil\.example is not http:\/\/127\.0\.0\.1:\d+; /);

  // The login form of this origin, as a browser sends it.
  const ok = await http(stack.api, 'POST', '/admin/login', { headers: { 'content-type': FORM, origin: own, 'sec-fetch-site': 'same-origin' }, body });
  assert.equal(ok.status, 303);
  const cookie = ok.headers.get('set-cookie')!.split(';')[0]!;

  // A logout from elsewhere is refused: the session lives on. From this origin it works.
  for (const headers of [{ origin: 'http://evil.example' }, { 'sec-fetch-site': 'same-site' }] as Record<string, string>[]) {
    const out = await http(stack.api, 'POST', '/admin/logout', { headers: { cookie, ...headers } });
    assert.equal(out.status, 403);
    assert.equal(out.json.error.code, 'CROSS_SITE_REQUEST');
  }
  assert.equal(await stack.redis.exists(sessionKey(stack, cookie)), 1);
  // Reading is never refused: a link to the board from elsewhere opens it.
  const read = await http(stack.api, 'GET', '/admin/queues/api/queues', { headers: { cookie, origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' } });
  assert.equal(read.status, 200);
  const out = await http(stack.api, 'POST', '/admin/logout', { headers: { cookie, origin: own, 'sec-fetch-site': 'same-origin' } });
  assert.equal(out.status, 303);
  assert.equal(await stack.redis.exists(sessionKey(stack, cookie)), 0);
});

test('read-only by default: Bull Board refuses promote, clean and retry (405); the job stays as it was', async () => {
  const q = submitQueue(stack, 'local-b');
  const delayed = await q.add('probe', { jobId: 'probe' }, { jobId: 'delayed-probe', delay: 3_600_000 });
  const { cookie } = await login(stack.api, ADMIN_TOKEN);
  const name = encodeURIComponent('local-b/submit-local-b');
  for (const path of [`/admin/queues/api/queues/${name}/${delayed.id}/promote`, `/admin/queues/api/queues/${name}/promote`,
    `/admin/queues/api/queues/${name}/clean/delayed`, `/admin/queues/api/queues/${name}/retry/failed`, `/admin/queues/api/queues/${name}/${delayed.id}/clean`]) {
    const res = await http(stack.api, 'PUT', path, { headers: { cookie } });
    assert.equal(res.status, 405, `${path}: ${res.text}`);
  }
  assert.equal(await (await q.getJob('delayed-probe'))!.getState(), 'delayed');
});

test('SLUICE_ADMIN_BOARD_ACTIONS=true: the board promotes and cleans a job', async () => {
  const q = submitQueue(actionStack, 'local-b');
  await q.add('probe', { jobId: 'p1' }, { jobId: 'delayed-1', delay: 3_600_000 });
  await q.add('probe', { jobId: 'p2' }, { jobId: 'delayed-2', delay: 3_600_000 });
  const { cookie } = await login(actionStack.api, ADMIN_TOKEN);
  const name = encodeURIComponent('local-b/submit-local-b');
  const listed = await http(actionStack.api, 'GET', '/admin/queues/api/queues', { headers: { cookie } });
  assert.ok(listed.json.queues.every((x: any) => x.readOnlyMode === false && x.allowRetries === true));

  const promote = await http(actionStack.api, 'PUT', `/admin/queues/api/queues/${name}/delayed-1/promote`, { headers: { cookie } });
  assert.ok(promote.status < 300, promote.text);
  assert.equal(await (await q.getJob('delayed-1'))!.getState(), 'waiting');
  // (Cleaning a whole status spares jobs younger than Bull Board's grace time: clean the one job.)
  const clean = await http(actionStack.api, 'PUT', `/admin/queues/api/queues/${name}/delayed-2/clean`, { headers: { cookie } });
  assert.ok(clean.status < 300, clean.text);
  assert.ok(!(await q.getJob('delayed-2')), 'delayed-2 is gone');
});

test('SLUICE_ADMIN_BOARD_ACTIONS=true: every action but retry, clean and promote is 403 BOARD_ACTION_NOT_ALLOWED and changes nothing', async () => {
  const q = submitQueue(actionStack, 'local-a');
  await q.add('probe', { jobId: 'k1' }, { jobId: 'keep-1', delay: 3_600_000 });
  const { cookie } = await login(actionStack.api, ADMIN_TOKEN);
  const name = encodeURIComponent('local-a/submit-local-a');
  const api = '/admin/queues/api/queues';
  const refused: [method: string, path: string, body?: unknown][] = [
    ['PUT', `${api}/${name}/obliterate`, { force: true }],
    ['PUT', `${api}/${name}/empty`],
    ['POST', `${api}/${name}/add`, { name: 'raw', data: { injected: true } }],
    ['PUT', `${api}/${name}/pause`],
    ['PUT', `${api}/${name}/resume`],
    ['PUT', `${api}/pause`],
    ['PUT', `${api}/resume`],
    ['PUT', `${api}/${name}/concurrency`, { concurrency: 1 }],
    ['PUT', `${api}/${name}/rate-limit`, { max: 1, duration: 1000 }],
    ['PUT', `${api}/${name}/rate-limit/release`],
    ['PATCH', `${api}/${name}/keep-1/update-data`, { data: { changed: true } }],
    ['PATCH', `${api}/${name}/keep-1/delay`, { delay: 0 }],
    ['PATCH', `${api}/${name}/keep-1/priority`, { priority: 1 }],
    ['PUT', `${api}/${name}/keep-1/remove-unprocessed-children`],
    ['PUT', `${api}/${name}/job-schedulers/s1/run`],
    ['PUT', `${api}/${name}/job-schedulers/s1/remove`],
    ['PATCH', `${api}/${name}/job-schedulers/s1`, { every: 1000 }],
  ];
  for (const [method, path, body] of refused) {
    const json: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
    for (const auth of [{ cookie }, { authorization: `Bearer ${ADMIN_TOKEN}` }] as Record<string, string>[]) {
      const res = await http(actionStack.api, method, path, { headers: { ...auth, ...json }, body: body === undefined ? undefined : JSON.stringify(body) });
      assert.equal(res.status, 403, `${method} ${path}: ${res.text}`);
      assert.equal(res.json.error.code, 'BOARD_ACTION_NOT_ALLOWED');
      assert.match(res.json.error.message, / is not allowed: Sluice allows only retry, clean and promote$/);
    }
  }
  const obliterate = await http(actionStack.api, 'PUT', `${api}/${name}/obliterate`, { headers: { cookie } });
  assert.equal(obliterate.json.error.message, 'the board action PUT /api/queues/:queueName/obliterate is not allowed: Sluice allows only retry, clean and promote');
  // Still an admin's board: without a session the answer is 401, not 403.
  assert.equal((await http(actionStack.api, 'PUT', `${api}/${name}/empty`)).status, 401);

  const job = (await q.getJob('keep-1'))!;
  assert.equal(await job.getState(), 'delayed');
  assert.deepEqual(job.data, { jobId: 'k1' });
  assert.deepEqual(await q.getJobCounts('waiting', 'delayed', 'prioritized'), { waiting: 0, delayed: 1, prioritized: 0 });
  assert.equal(await q.isPaused(), false);
  assert.equal(await q.getGlobalConcurrency(), null);

  // A form body is not parsed under the board (a cross-site form can't drive it), nor is a cross-site call let through.
  const form = await http(actionStack.api, 'PUT', `${api}/${name}/keep-1/promote`, { headers: { cookie, 'content-type': FORM }, body: 'x=1' });
  assert.equal(form.status, 415, form.text);
  const crossSite = await http(actionStack.api, 'PUT', `${api}/${name}/promote`, { headers: { cookie, origin: 'http://evil.example' } });
  assert.equal(crossSite.status, 403);
  assert.equal(crossSite.json.error.code, 'CROSS_SITE_REQUEST');
  assert.equal(await job.getState(), 'delayed');

  // The allowed ones, as the board's own page sends them: retry and clean a status, promote them all.
  const own = { cookie, origin: new URL(actionStack.api).origin, 'sec-fetch-site': 'same-origin' };
  for (const path of [`${api}/${name}/retry/failed`, `${api}/${name}/clean/completed`, `${api}/${name}/promote`]) {
    const res = await http(actionStack.api, 'PUT', path, { headers: own });
    assert.ok(res.status < 300, `${path}: ${res.status} ${res.text}`);
  }
  assert.equal(await job.getState(), 'waiting');
});

test('no token in any URL, and none in the log lines of an API process logging every request', async () => {
  const form = await login(apiB.url, ADMIN_TOKEN);
  assert.equal(form.res.status, 303);
  await login(apiB.url, TEAM_TOKEN);
  await login(apiB.url, `${ADMIN_TOKEN}-wrong`);
  await http(apiB.url, 'POST', '/admin/login', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: ADMIN_TOKEN }) });
  await http(apiB.url, 'GET', '/admin/queues/api/queues', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  await http(apiB.url, 'GET', '/admin/queues/api/queues', { headers: { cookie: form.cookie } });
  assert.equal(form.res.headers.get('location'), '/admin/queues');
  const output = await waitFor(() => {
    const text = apiB.output.join('');
    return text.includes('admin login refused') && text.includes('/admin/queues/api/queues') && text;
  }, { what: 'apiB logs the logins and the board requests' });
  assert.match(output, /"url":"\/admin\/login"/, 'request lines are logged (debug)');
  for (const secret of [ADMIN_TOKEN, TEAM_TOKEN, sessionId(form.cookie)]) assert.ok(!output.includes(secret), `a secret in apiB's log:\n${output}`);
});

test('Redis gone: the login and the guard answer 503 STORE_UNAVAILABLE at once, never hang', { timeout: 60_000 }, async () => {
  let redis: LocalRedis | undefined = await startLocalRedis();
  const own = await Stack.start({ regions: ['local-a'], tokens: TOKENS, startWorkers: false, redisUrl: redis.url });
  try {
    const { cookie } = await login(own.api, ADMIN_TOKEN);
    assert.equal((await http(own.api, 'GET', '/admin/queues/api/queues', { headers: { cookie } })).status, 200);
    redis.kill();
    await redis.close(2000).catch(() => {});
    redis = undefined;
    const calls: [string, () => Promise<Answer>][] = [
      ['login', async () => (await login(own.api, ADMIN_TOKEN)).res],
      ['board API with the session', () => http(own.api, 'GET', '/admin/queues/api/queues', { headers: { cookie } })],
      ['board page with the session', () => http(own.api, 'GET', '/admin/queues', { headers: { cookie, accept: HTML } })],
      ['board API with a bearer', () => http(own.api, 'GET', '/admin/queues/api/queues', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })],
    ];
    for (const [what, call] of calls) {
      const started = Date.now();
      const res = await call();
      const ms = Date.now() - started;
      // A "no hang" bound, loose enough for a loaded 2-core CI machine.
      assert.ok(ms < 5000, `${what}: ${ms} ms`);
      assert.equal(res.status, 503, `${what}: ${res.status} ${res.text}`);
      assert.equal(res.json.error.code, 'STORE_UNAVAILABLE', what);
    }
  } finally {
    await own.close();
    await redis?.close();
  }
});
