// The allow-list's matching rules and the network block's validation.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileAllowList, isAllowedHostPattern, networkConfig } from '../../src/routing/index.ts';

describe('allowedHosts matching', () => {
  const allowed = compileAllowList(['*.use1.internal', 'sts.us-east-1.amazonaws.com', '10.0.0.5', '::1']);
  const rows: Array<[string, boolean]> = [
    ['rm1.use1.internal', true],
    ['a.b.use1.internal', true], // any depth below the suffix
    ['RM1.USE1.INTERNAL', true], // names are case-insensitive
    ['rm1.use1.internal.', true], // the absolute form of the same name
    ['use1.internal', false], // the suffix itself is not below it
    ['evil-use1.internal', false], // a label boundary, not a string suffix
    ['rm1.use1.internal.evil.com', false],
    ['sts.us-east-1.amazonaws.com', true],
    ['sts.us-west-2.amazonaws.com', false],
    ['10.0.0.5', true],
    ['10.0.0.6', false],
    ['[::1]', true], // URL.hostname keeps IPv6 brackets
    ['127.0.0.1', false],
  ];
  for (const [host, expected] of rows) {
    it(`${host} → ${expected ? 'allowed' : 'denied'}`, () => assert.equal(allowed(host), expected));
  }

  it('an empty list allows nothing', () => {
    assert.equal(compileAllowList([])('localhost'), false);
  });

  it('refuses patterns it could only guess at', () => {
    for (const p of ['*', '*.', 'a.*.b', 'foo*.bar', 'http://x', 'a b', '']) {
      assert.equal(isAllowedHostPattern(p), false, p);
    }
    assert.throws(() => compileAllowList(['ok.example', '*']), /invalid allowedHosts entry: \*/);
  });
});

describe('networkConfig', () => {
  it('defaults the timeouts', () => {
    assert.deepEqual(networkConfig.parse({}), { connectTimeoutMs: 3000, requestTimeoutMs: 10000 });
  });

  it('accepts the region file example', () => {
    const net = {
      connectTimeoutMs: 3000, requestTimeoutMs: 10000,
      proxy: 'http://proxy.use1.internal:3128',
      localAddress: '10.0.3.7',
      hosts: { 'sts.us-east-1.amazonaws.com': '10.0.0.5' },
      caFile: '/etc/ssl/use1-ca.pem',
      allowedHosts: ['*.use1.internal', 'sts.us-east-1.amazonaws.com'],
    };
    assert.deepEqual(networkConfig.parse(net), net);
  });

  const bad: Array<[string, Record<string, unknown>, string]> = [
    ['an https proxy', { proxy: 'https://proxy:3128' }, 'proxy'],
    ['a proxy with a path', { proxy: 'http://proxy:3128/x' }, 'proxy'],
    ['a name as localAddress', { localAddress: 'eth0' }, 'localAddress'],
    ['a hosts entry to a name', { hosts: { 'a.internal': 'b.internal' } }, 'hosts'],
    ['a bad allowedHosts pattern', { allowedHosts: ['*'] }, 'allowedHosts'],
    ['an unknown field', { proxyy: 'http://p:1' }, ''],
    ['a zero timeout', { connectTimeoutMs: 0 }, 'connectTimeoutMs'],
  ];
  for (const [what, input, path] of bad) {
    it(`rejects ${what}`, () => {
      const r = networkConfig.safeParse(input);
      assert.equal(r.success, false);
      assert.ok(r.error!.issues.some((i) => String(i.path[0] ?? '') === path), JSON.stringify(r.error!.issues));
    });
  }
});
