// Webhooks without servers: filter matching, the SSRF guard (address classes, the allow-list, the
// connect-time lookup), the backoff formula and retry window, and signatures verified by the
// reference library (npm standardwebhooks).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import type { SluiceEvent } from '../../src/events/event.ts';
import {
  backoffDelay, checkAddress, generateSecret, guardedLookup, matchesFilter, parseAllowedNetworks, publicUrl, refusalOf,
  signedHeaders, SsrfRefusedError, USER_AGENT, webhookIdFor, withinWindow, type WebhookFilter,
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

test('SSRF guard: loopback, private, link-local, mapped and other special addresses are refused', () => {
  const none = parseAllowedNetworks([]);
  const cases: [string, RegExp][] = [
    ['127.0.0.1', /loopback/], ['127.9.9.9', /loopback/], ['10.0.0.1', /private/], ['172.16.0.1', /private/], ['172.31.255.254', /private/],
    ['192.168.1.1', /private/], ['169.254.169.254', /link-local/], ['::1', /loopback/], ['fe80::1', /link-local/],
    ['::ffff:127.0.0.1', /loopback/], ['::ffff:10.0.0.1', /private/], ['fd00::1', /unique local/], ['0.0.0.0', /unspecified/], ['::', /unspecified/],
    ['100.64.0.1', /carrier-grade NAT/], ['224.0.0.1', /multicast/], ['ff02::1', /multicast/], ['2002:7f00:1::', /6to4/],
  ];
  for (const [address, why] of cases) {
    assert.match(refusalOf(address, none) ?? 'allowed', why, address);
    assert.throws(() => checkAddress(address, none), (err: unknown) => err instanceof SsrfRefusedError && err.message.includes(address) && err.message.includes('SLUICE_WEBHOOKS_ALLOWED_NETWORKS'));
  }
  assert.equal(
    new SsrfRefusedError('127.0.0.1', refusalOf('127.0.0.1', none)!).message,
    'webhook url resolves to 127.0.0.1, a loopback address; allow it with SLUICE_WEBHOOKS_ALLOWED_NETWORKS',
  );
  for (const ok of ['8.8.8.8', '172.32.0.1', '192.169.0.1', '100.128.0.1', '2606:4700:4700::1111']) assert.equal(refusalOf(ok, none), null, ok);
});

test('SSRF guard: the allow-list lets a network through, and only it', () => {
  const allowed = parseAllowedNetworks(['127.0.0.1/32', '10.1.0.0/16', 'fd00::/8']);
  assert.equal(refusalOf('127.0.0.1', allowed), null);
  assert.equal(refusalOf('::ffff:127.0.0.1', allowed), null, 'the mapped form of an allowed address');
  assert.equal(refusalOf('10.1.2.3', allowed), null);
  assert.equal(refusalOf('fd12::1', allowed), null);
  assert.match(refusalOf('127.0.0.2', allowed)!, /loopback/);
  assert.match(refusalOf('10.2.0.1', allowed)!, /private/);
  assert.throws(() => parseAllowedNetworks(['10.0.0.0']), /not a CIDR/);
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
