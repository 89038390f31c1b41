// The client's retry numbers and error classification: the backoff stays within its bounds (so a
// dead server fails within a few seconds), Retry-After is read in both of its forms, a sleep ends
// at once on abort, and every wire error code maps to the failure the retry rule steers on.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONNECTION_FAILURES, connectionFailure, SluiceConnectionError } from '../../src/client/errors.ts';
import { SluiceClient } from '../../src/client/index.ts';
import { BACKOFF_MAX_MS, backoffMs, parseRetryAfter, sleep } from '../../src/client/retry-policy.ts';

test('backoff: doubling from 100 ms, capped at 2 s, jittered within its upper half', () => {
  const bounds = [1, 2, 3, 4, 5, 6, 10].map((n) => [backoffMs(n, () => 0), backoffMs(n, () => 1)]);
  assert.deepEqual(bounds, [[50, 100], [100, 200], [200, 400], [400, 800], [800, 1600], [1000, 2000], [1000, 2000]]);
  for (let i = 0; i < 1000; i++) {
    const ms = backoffMs(1 + (i % 8));
    assert.ok(ms >= 50 && ms <= BACKOFF_MAX_MS, `${ms}`);
  }
  const defaultRetries = [1, 2, 3, 4, 5].reduce((sum, n) => sum + backoffMs(n, () => 1), 0);
  assert.equal(defaultRetries, 3100, 'five retries wait 3.1 s at most in all');
});

test('Retry-After: seconds, an HTTP date, junk', () => {
  const now = Date.parse('2026-12-02T10:00:00Z');
  assert.equal(parseRetryAfter('2', now), 2);
  assert.equal(parseRetryAfter(['7'], now), 7);
  assert.equal(parseRetryAfter('Wed, 02 Dec 2026 10:00:05 GMT', now), 5);
  assert.equal(parseRetryAfter('Wed, 02 Dec 2026 09:00:00 GMT', now), 0);
  assert.equal(parseRetryAfter(undefined, now), undefined);
  assert.equal(parseRetryAfter('soon', now), undefined);
  assert.equal(parseRetryAfter('-1', now), undefined);
});

test('sleep ends at once on abort, with the signal\'s reason', async () => {
  const ac = new AbortController();
  const started = Date.now();
  const slept = sleep(60_000, ac.signal);
  setTimeout(() => ac.abort(new Error('stop')), 20);
  await assert.rejects(slept, /stop/);
  assert.ok(Date.now() - started < 1000);
  await assert.rejects(sleep(10, AbortSignal.abort(new Error('already'))), /already/);
});

test('wire errors map to failures; only the ones before the request left are "unsent"', () => {
  const cases: [unknown, keyof typeof CONNECTION_FAILURES][] = [
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }), 'REFUSED'],
    [new AggregateError([Object.assign(new Error('::1'), { code: 'ECONNREFUSED' })], 'both'), 'REFUSED'],
    [Object.assign(new Error('getaddrinfo'), { code: 'ENOTFOUND' }), 'DNS'],
    [Object.assign(new Error('getaddrinfo'), { code: 'EAI_AGAIN' }), 'DNS_RETRY'],
    [Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }), 'CLOSED'],
    [Object.assign(new Error('fetch failed'), { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) }), 'RESET'],
    [Object.assign(new Error('Connect Timeout'), { code: 'UND_ERR_CONNECT_TIMEOUT' }), 'CONNECT_TIMEOUT'],
    [Object.assign(new Error('Headers Timeout'), { code: 'UND_ERR_HEADERS_TIMEOUT' }), 'TIMEOUT'],
    [Object.assign(new Error('Body Timeout'), { code: 'UND_ERR_BODY_TIMEOUT' }), 'BODY_TIMEOUT'],
    [new Error('odd'), 'OTHER'],
  ];
  for (const [err, failure] of cases) assert.equal(connectionFailure(err), failure, String(err));
  const unsent = Object.entries(CONNECTION_FAILURES).filter(([, f]) => f.unsent && f.retry).map(([k]) => k);
  assert.deepEqual(unsent, ['REFUSED', 'DNS_RETRY', 'UNREACHABLE']);
  assert.equal(new SluiceConnectionError('http://h:1', 'REFUSED').message, 'cannot reach Sluice at http://h:1: connection refused');
});

test('options: a bad URL, credentials in the URL, bad numbers are refused without echoing a token', () => {
  assert.throws(() => new SluiceClient({ url: 'nope', token: 'tok-123' }), (e: Error) => /not a URL/.test(e.message) && !e.message.includes('tok-123'));
  assert.throws(() => new SluiceClient({ url: 'ftp://h' }), /http or https/);
  assert.throws(() => new SluiceClient({ url: 'http://u:secret@h' }), (e: Error) => /user or password/.test(e.message) && !e.message.includes('secret'));
  assert.throws(() => new SluiceClient({ url: 'http://h', retries: -1 }), /retries/);
  assert.throws(() => new SluiceClient({ url: 'http://h', timeoutMs: 0 }), /timeoutMs/);
  assert.equal(new SluiceClient({ url: 'http://h:8080/sluice/' }).url, 'http://h:8080/sluice');
});
