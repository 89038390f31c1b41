// Webhooks without servers: filter matching, the SSRF guard (address classes, the allow-list, the
// connect-time lookup), the error table, the backoff formula and retry window, signatures verified
// by the reference library (npm standardwebhooks), the delivery processor's disabled event and
// stopped attempts (fakes for the store and the job), and `webhooks test --wait` validation.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { pino } from 'pino';
import { MockAgent } from 'undici';
import { Webhook } from 'standardwebhooks';
import { CliError } from '../../src/cli/client/cli-error.ts';
import { EXIT } from '../../src/cli/client/exit-codes.ts';
import { parseTestWait } from '../../src/cli/client/webhooks-command.ts';
import type { SluiceEvent } from '../../src/events/event.ts';
import { createLogger } from '../../src/log.ts';
import { createDeliveryProcessor } from '../../src/webhooks/delivery-worker.ts';
import {
  backoffDelay, checkAddress, generateSecret, guardedLookup, matchesFilter, parseAllowedNetworks, publicUrl, refusalOf,
  signedHeaders, SsrfRefusedError, USER_AGENT, WEBHOOK_ERRORS, WebhookError, webhookIdFor, withinWindow,
  type SubscriptionStore, type WebhookFilter, type WebhookJobData,
} from '../../src/webhooks/index.ts';

const jobEvent = (to: string, region = 'ra'): SluiceEvent => ({ id: '1-0', type: 'job.state_changed', jobId: 'job_1', region, from: 'RUNNING', to, at: '2026-01-01T00:00:00.000Z', application: null });
const healthEvent: SluiceEvent = { id: '2-0', type: 'region.health_changed', region: 'ra', from: 'ok', to: 'degraded', at: '2026-01-01T00:00:00.000Z' };
const disabledEvent: SluiceEvent = { id: '3-0', type: 'webhook.subscription_disabled', subscriptionId: 'wh_1', url: 'https://x/', reason: 'r', at: '2026-01-01T00:00:00.000Z' };
const search = { team: 'search', dag: 'index' };

test('filter: an empty filter takes every event', () => {
  for (const e of [jobEvent('FAILED'), healthEvent, disabledEvent]) assert.equal(matchesFilter({}, e, e.type === 'job.state_changed' ? search : null), true);
});

test('filter: types, regions and states — any value within a dimension, every dimension', () => {
  const f: WebhookFilter = { types: ['job.state_changed'], regions: ['ra', 'rb'], states: ['FAILED', 'KILLED'] };
  assert.equal(matchesFilter(f, jobEvent('FAILED'), search), true);
  assert.equal(matchesFilter(f, jobEvent('KILLED', 'rb'), search), true);
  assert.equal(matchesFilter(f, jobEvent('SUCCEEDED'), search), false, 'state not listed');
  assert.equal(matchesFilter(f, jobEvent('FAILED', 'rc'), search), false, 'region not listed');
  assert.equal(matchesFilter({ types: ['region.health_changed'] }, jobEvent('FAILED'), search), false, 'type not listed');
  assert.equal(matchesFilter({ regions: ['rb'] }, healthEvent, null), false, 'regions apply to region events too');
  assert.equal(matchesFilter({ regions: ['rb'] }, disabledEvent, null), true, 'an event without a region passes a region filter');
});

test('filter: labels — OR within a key, AND across keys; events without a job pass only without labels/states', () => {
  const f: WebhookFilter = { labels: ['team:search', 'team:ads', 'dag:index'] };
  assert.equal(matchesFilter(f, jobEvent('RUNNING'), { team: 'search', dag: 'index' }), true);
  assert.equal(matchesFilter(f, jobEvent('RUNNING'), { team: 'ads', dag: 'index' }), true);
  assert.equal(matchesFilter(f, jobEvent('RUNNING'), { team: 'ads', dag: 'other' }), false, 'dag must match too');
  assert.equal(matchesFilter(f, jobEvent('RUNNING'), { team: 'infra', dag: 'index' }), false);
  assert.equal(matchesFilter(f, jobEvent('RUNNING'), { dag: 'index' }), false, 'a missing key does not match');
  assert.equal(matchesFilter(f, jobEvent('RUNNING'), null), false, 'a job gone: labels unknown');
  assert.equal(matchesFilter(f, healthEvent, null), false);
  assert.equal(matchesFilter({ states: ['FAILED'] }, healthEvent, null), false);
  assert.equal(matchesFilter({ states: ['FAILED'] }, disabledEvent, null), false);
});

test('SSRF guard: only unicast passes; every other range is refused, named in the error', () => {
  const none = parseAllowedNetworks([]);
  const cases: [string, RegExp][] = [
    ['127.0.0.1', /loopback/], ['127.9.9.9', /loopback/], ['10.0.0.1', /private/], ['172.16.0.1', /private/], ['172.31.255.254', /private/],
    ['192.168.1.1', /private/], ['169.254.169.254', /link-local/], ['::1', /loopback/], ['fe80::1', /link-local/],
    ['::ffff:127.0.0.1', /loopback/], ['::ffff:10.0.0.1', /private/], ['::ffff:7f00:1', /loopback/], ['fd00::1', /unique local/],
    ['0.0.0.0', /unspecified/], ['::', /unspecified/], ['100.64.0.1', /carrier-grade NAT/], ['224.0.0.1', /multicast/], ['ff02::1', /multicast/],
    ['255.255.255.255', /broadcast/], ['192.0.2.1', /reserved/], ['240.0.0.1', /reserved/], ['2001:db8::1', /reserved/],
    ['2002:7f00:1::', /6to4/], ['2001::1', /Teredo/], ['64:ff9b::a00:1', /NAT64/], ['::ffff:0:7f00:1', /IPv4-translated/],
    // ipaddr.js calls these unicast, or ranges with no description: refused all the same.
    ['::7f00:1', /IPv4-compatible.*\(range ipv4Compatible\)/], ['::808:808', /range ipv4Compatible/],
    ['fec0::1', /site-local.*\(range deprecatedSiteLocal\)/], ['100::1', /discard.*\(range discard\)/],
    ['2001:2::1', /a special-purpose address \(range benchmarking\)/], ['192.52.193.1', /\(range amt\)/], ['2001:20::1', /\(range orchid2\)/],
  ];
  for (const [address, why] of cases) {
    assert.match(refusalOf(address, none) ?? 'allowed', why, address);
    assert.match(refusalOf(address, none)!, /\(range \w+\)$/, `${address}: the range is named`);
    assert.throws(() => checkAddress(address, none), (err: unknown) => err instanceof SsrfRefusedError && err.code === 'ERR_SLUICE_WEBHOOK_REFUSED'
      && err.message.includes(address) && err.message.includes('SLUICE_WEBHOOKS_ALLOWED_NETWORKS'));
  }
  assert.equal(
    new SsrfRefusedError('127.0.0.1', refusalOf('127.0.0.1', none)!).message,
    'webhook url resolves to 127.0.0.1, a loopback address (range loopback); allow it with SLUICE_WEBHOOKS_ALLOWED_NETWORKS',
  );
  for (const ok of ['8.8.8.8', '172.32.0.1', '192.169.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) assert.equal(refusalOf(ok, none), null, ok);
});

test('SSRF guard: the allow-list lets a network through, and only it', () => {
  const allowed = parseAllowedNetworks(['127.0.0.1/32', '10.1.0.0/16', ' fd00::/8 ', '']);
  assert.equal(allowed.length, 3);
  assert.equal(refusalOf('127.0.0.1', allowed), null);
  assert.equal(refusalOf('::ffff:127.0.0.1', allowed), null, 'the mapped form of an allowed address');
  assert.equal(refusalOf('10.1.2.3', allowed), null);
  assert.equal(refusalOf('fd12::1', allowed), null);
  assert.match(refusalOf('127.0.0.2', allowed)!, /loopback/);
  assert.match(refusalOf('10.2.0.1', allowed)!, /private/);
  assert.equal(refusalOf('fec0::1', parseAllowedNetworks(['fec0::/10'])), null, 'any range can be allowed explicitly');
});

test('SSRF guard: allowedNetworks is parsed strictly; a bad entry names the setting and the entry', () => {
  for (const good of ['10.0.0.0/8', '127.0.0.1/32', '0.0.0.0/0', '192.168.0.0/16', 'fd00::/8', '::1/128', '::ffff:10.0.0.0/104', '2001:db8::/32']) {
    assert.equal(parseAllowedNetworks([good]).length, 1, good);
  }
  const cases: [string, RegExp][] = [
    ['10.0.0.1/8', /host bits set: the network is 10\.0\.0\.0\/8/],
    ['fd00::1/8', /host bits set: the network is fd00::\/8/],
    ['010.020.0.0/16', /four decimal parts/],
    ['10.1/16', /four decimal parts/],
    ['167772160/8', /four decimal parts/],
    ['0x0a.0.0.0/8', /four decimal parts/],
    ['10.0.0.0', /not a CIDR/],
    ['10.0.0.0/', /not a CIDR/],
    ['10.0.0.0/08', /not a CIDR/],
    ['10.0.0.0/33', /prefix length over 32/],
    ['fd00::/129', /prefix length over 128/],
    ['fe80::%eth0/64', /not an IPv6 network/],
    ['fd00:::/8', /not an IPv6 network/],
    ['example.com/8', /four decimal parts/],
  ];
  for (const [entry, why] of cases) {
    assert.throws(() => parseAllowedNetworks(['127.0.0.1/32', entry]), (err: unknown) => {
      assert.ok(err instanceof WebhookError, entry);
      assert.equal(err.code, 'ERR_SLUICE_WEBHOOK_ALLOWED_NETWORKS');
      assert.ok(err.message.startsWith(`SLUICE_WEBHOOKS_ALLOWED_NETWORKS: "${entry}" `), err.message);
      assert.match(err.message, why, entry);
      return true;
    });
  }
});

test('webhook errors: one table; every code has a default message, and the error classes carry their code', () => {
  for (const [code, { message }] of Object.entries(WEBHOOK_ERRORS)) {
    assert.match(code, /^ERR_SLUICE_WEBHOOK_[A-Z_]+$/);
    assert.ok(message.length > 10, code);
    const err = new WebhookError(code as keyof typeof WEBHOOK_ERRORS);
    assert.equal(err.message, message);
    assert.equal(err.code, code);
  }
  const refused = new SsrfRefusedError('10.0.0.1', 'a private (RFC 1918) address (range private)');
  assert.ok(refused instanceof WebhookError);
  assert.equal(refused.code, 'ERR_SLUICE_WEBHOOK_REFUSED');
  assert.equal(refused.name, 'SsrfRefusedError');
});

test('SSRF guard: the connect-time lookup refuses a name with any forbidden address, and passes the checked ones', async () => {
  const none = parseAllowedNetworks([]);
  const lookup = (answers: Record<string, { address: string; family: number }[]>) => guardedLookup(none, async (h) => answers[h] ?? []);
  const call = (fn: ReturnType<typeof guardedLookup>, host: string, options: object) => new Promise<{ err: Error | null; address: unknown }>((resolve) => {
    fn(host, options as never, ((err: Error | null, address: unknown) => resolve({ err, address })) as never);
  });
  const fn = lookup({
    'rebind.example': [{ address: '93.184.216.34', family: 4 }, { address: '169.254.169.254', family: 4 }],
    'public.example': [{ address: '93.184.216.34', family: 4 }, { address: '2606:2800:220:1::', family: 6 }],
  });
  const refused = await call(fn, 'rebind.example', { all: true });
  assert.ok(refused.err instanceof SsrfRefusedError);
  assert.match(refused.err.message, /169\.254\.169\.254, a link-local address/);
  const all = await call(fn, 'public.example', { all: true });
  assert.equal(all.err, null);
  assert.deepEqual(all.address, [{ address: '93.184.216.34', family: 4 }, { address: '2606:2800:220:1::', family: 6 }]);
  const one = await call(fn, 'public.example', { family: 6 });
  assert.equal(one.address, '2606:2800:220:1::');
});

test('backoff: min(base·2^(n-1), max), and the retry window', () => {
  const s = { backoffBaseMs: 100, backoffMaxMs: 500, retryWindowSeconds: 2 };
  assert.deepEqual([1, 2, 3, 4, 5, 30, 2000].map((n) => backoffDelay(n, s)), [100, 200, 400, 500, 500, 500, 500]);
  assert.deepEqual([1, 2, 3].map((n) => backoffDelay(n, { backoffBaseMs: 5000, backoffMaxMs: 3_600_000 })), [5000, 10_000, 20_000]);
  assert.equal(withinWindow(0, 1000, 1, s), true);
  assert.equal(withinWindow(0, 1600, 4, s), false, 'the next attempt (at 2100 ms) would start after the 2 s window');
});

test('a signature made by our signer verifies with the standardwebhooks library; another secret or body does not', () => {
  const secret = generateSecret();
  assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
  const body = JSON.stringify({ type: 'job.state_changed', timestamp: '2026-01-01T00:00:00.000Z', data: { event: {}, job: null } });
  const id = webhookIdFor('wh_01', '1700000000000-0');
  assert.equal(id, 'msg_wh_01_1700000000000-0');
  const headers = signedHeaders(secret, id, body, new Date());
  assert.equal(headers['webhook-id'], id);
  assert.equal(headers['content-type'], 'application/json');
  assert.equal(headers['user-agent'], USER_AGENT);
  assert.match(USER_AGENT, /^Sluice-Webhooks\/\d+\.\d+\.\d+/);
  assert.deepEqual(new Webhook(secret).verify(body, headers), JSON.parse(body));
  assert.throws(() => new Webhook(generateSecret()).verify(body, headers), /signature/i);
  assert.throws(() => new Webhook(secret).verify(`${body} `, headers), /signature/i);
});

test('the disabled event names the URL without query, fragment or credentials', () => {
  assert.equal(publicUrl('https://u:p@hooks.example.com/in?token=abc#x'), 'https://hooks.example.com/in');
});

// The delivery processor with a fake store and job: no Redis, no receiver.
function fakeStore(opts: { publishFailures: number; disable?: boolean }) {
  const calls = { publish: 0, record: 0 };
  const store = {
    target: async (id: string) => ({ id, url: 'http://10.0.0.1/hook', secret: generateSecret(), enabled: true }),
    recordAttempt: async () => {
      calls.record++;
      return { disabledNow: opts.disable ?? true, consecutiveFailures: 20, reason: '20 delivery attempts in a row failed, since 2026-01-01T00:00:00.000Z; the last: x' };
    },
    publishDisabled: async () => {
      calls.publish++;
      if (calls.publish <= opts.publishFailures) throw new Error('Command timed out');
      return '1-0';
    },
  };
  return { store: store as unknown as SubscriptionStore, calls };
}

function fakeJob() {
  const moved: number[] = [];
  const job = {
    data: { subscriptionId: 'wh_1', webhookId: 'msg_wh_1_1-0', eventType: 'job.state_changed', body: '{}' } as WebhookJobData,
    attemptsMade: 0,
    updateData: async (d: WebhookJobData) => { job.data = d; },
    moveToDelayed: async (at: number) => { moved.push(at); },
  };
  return { job: job as unknown as Job<WebhookJobData>, moved };
}

const settings = { timeoutMs: 1000, disableAfterFailures: 20, disableAfterSeconds: 3600, backoffBaseMs: 100, backoffMaxMs: 500, retryWindowSeconds: 60 };

test('delivery: the attempt that disables publishes the event, retrying a Redis blip, and ends the message', async () => {
  const { store, calls } = fakeStore({ publishFailures: 2 });
  const run = createDeliveryProcessor({ subscriptions: store, dispatcher: new MockAgent(), allowed: [], settings, log: createLogger('silent'), publishRetryDelaysMs: [1, 1, 1] });
  // 10.0.0.1 is refused by the guard: a failed attempt without any network.
  await assert.rejects(run(fakeJob().job, 'token'), (err: unknown) => err instanceof UnrecoverableError && /subscription disabled: 20 delivery attempts/.test(err.message));
  assert.equal(calls.publish, 3, 'two failed tries, then published');
});

test('delivery: a disabled event that can never be published is logged; the message still ends (UnrecoverableError)', async () => {
  const { store, calls } = fakeStore({ publishFailures: 100 });
  const lines: string[] = [];
  const log = pino({ level: 'error' }, { write: (l: string) => { lines.push(l); } });
  const run = createDeliveryProcessor({ subscriptions: store, dispatcher: new MockAgent(), allowed: [], settings, log, publishRetryDelaysMs: [1, 1] });
  await assert.rejects(run(fakeJob().job, 'token'), UnrecoverableError);
  assert.equal(calls.publish, 3);
  assert.ok(lines.some((l) => /could not be published/.test(l)), lines.join(''));
});

test('delivery: an attempt stopped by close is no attempt: nothing recorded, the job put back (DelayedError)', async () => {
  const agent = new MockAgent();
  agent.disableNetConnect();
  agent.get('http://93.184.216.34').intercept({ path: '/hook', method: 'POST' }).reply(204, '').delay(10_000);
  const { store, calls } = fakeStore({ publishFailures: 0, disable: false });
  (store as unknown as { target: unknown }).target = async (id: string) => ({ id, url: 'http://93.184.216.34/hook', secret: generateSecret(), enabled: true });
  const stopping = new AbortController();
  const run = createDeliveryProcessor({ subscriptions: store, dispatcher: agent, allowed: [], settings: { ...settings, timeoutMs: 20_000 }, stopping: stopping.signal, log: createLogger('silent') });
  const { job, moved } = fakeJob();
  const started = Date.now();
  const attempt = run(job, 'token');
  setTimeout(() => stopping.abort(), 50);
  await assert.rejects(attempt, DelayedError);
  assert.ok(Date.now() - started < 2000, 'the attempt in flight ended at once');
  assert.equal(calls.record, 0, 'not recorded: no failure counted toward disabling');
  assert.equal(moved.length, 1, 'moved back (to delayed, due now) with no attempt counted');
  // Once stopping, a job handed over is put back without an attempt.
  const second = fakeJob();
  await assert.rejects(run(second.job, 'token'), DelayedError);
  assert.equal(second.moved.length, 1);
  assert.equal(calls.record, 0);
  await agent.close();
});

test('sluice webhooks test --wait: seconds from 0 to an hour; anything else is a usage error naming --wait (exit 3)', () => {
  assert.equal(parseTestWait(undefined), 15_000);
  assert.equal(parseTestWait('0'), 0);
  assert.equal(parseTestWait('2.5'), 2500);
  assert.equal(parseTestWait('3600'), 3_600_000);
  for (const bad of ['abc', '', '-1', '1e3', '5s', 'Infinity', 'NaN', '3601', '0x10']) {
    assert.throws(() => parseTestWait(bad), (err: unknown) => err instanceof CliError && err.exitCode === EXIT.REFUSED && err.message.startsWith(`--wait ${JSON.stringify(bad)}:`), bad);
  }
});
