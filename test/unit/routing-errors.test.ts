// The routing's error table and classifier: every transport failure maps to one stable code, one
// row per case, including errors wrapped in causes and Node's happy-eyeballs AggregateError.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errors as undiciErrors } from 'undici';
import { ROUTING_ERRORS, RoutingError, toRoutingError, type RoutingErrorCode } from '../../src/routing/index.ts';

const sysErr = (code: string, message = `connect ${code} 10.0.0.1:443`): Error => Object.assign(new Error(message), { code });

describe('RoutingError', () => {
  it('carries a code from the table, the default message and the target', () => {
    for (const code of Object.keys(ROUTING_ERRORS) as RoutingErrorCode[]) {
      const err = new RoutingError(code, { target: 'rm1:8088' });
      assert.equal(err.code, code);
      assert.equal(err.name, 'RoutingError');
      assert.equal(err.message, `rm1:8088: ${ROUTING_ERRORS[code].message}`);
      assert.equal(err.retryable, ROUTING_ERRORS[code].retryable);
    }
  });

  it('keeps the cause', () => {
    const cause = sysErr('ECONNREFUSED');
    assert.equal(new RoutingError('CONNECTION_REFUSED', { cause }).cause, cause);
  });
});

describe('toRoutingError', () => {
  const rows: Array<[string, unknown, RoutingErrorCode]> = [
    ['ENOTFOUND', sysErr('ENOTFOUND', 'getaddrinfo ENOTFOUND no-such-host.invalid'), 'DNS_FAILURE'],
    ['EAI_AGAIN', sysErr('EAI_AGAIN'), 'DNS_FAILURE'],
    ['ECONNREFUSED', sysErr('ECONNREFUSED'), 'CONNECTION_REFUSED'],
    ['undici connect timeout', new undiciErrors.ConnectTimeoutError(), 'CONNECT_TIMEOUT'],
    ['ETIMEDOUT', sysErr('ETIMEDOUT'), 'CONNECT_TIMEOUT'],
    ['undici headers timeout', new undiciErrors.HeadersTimeoutError(), 'RESPONSE_TIMEOUT'],
    ['undici body timeout', new undiciErrors.BodyTimeoutError(), 'RESPONSE_TIMEOUT'],
    ['self-signed', sysErr('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'), 'TLS_ERROR'],
    ['self-signed in chain', sysErr('SELF_SIGNED_CERT_IN_CHAIN'), 'TLS_ERROR'],
    ['unknown issuer', sysErr('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 'TLS_ERROR'],
    ['expired', sysErr('CERT_HAS_EXPIRED'), 'TLS_ERROR'],
    ['wrong name', sysErr('ERR_TLS_CERT_ALTNAME_INVALID'), 'TLS_ERROR'],
    ['handshake broken off', sysErr('EPROTO'), 'TLS_ERROR'],
    ['ECONNRESET', sysErr('ECONNRESET'), 'NETWORK_ERROR'],
    ['no such local address', sysErr('EADDRNOTAVAIL'), 'NETWORK_ERROR'],
    ['undici socket error', new undiciErrors.SocketError('other side closed'), 'NETWORK_ERROR'],
    ['ours, unchanged', new RoutingError('EGRESS_DENIED', { target: 'x:1' }), 'EGRESS_DENIED'],
    ['in a cause', new Error('request failed', { cause: sysErr('ECONNREFUSED') }), 'CONNECTION_REFUSED'],
    ['ours in a cause', new Error('wrapped', { cause: new RoutingError('PROXY_ERROR') }), 'PROXY_ERROR'],
    ['happy eyeballs', new AggregateError([sysErr('ECONNREFUSED'), sysErr('ECONNREFUSED')]), 'CONNECTION_REFUSED'],
  ];
  for (const [what, err, code] of rows) {
    it(`${what} → ${code}`, () => {
      const mapped = toRoutingError(err, 'host:1');
      assert.ok(mapped instanceof RoutingError);
      assert.equal(mapped.code, code);
    });
  }

  it('names the target and keeps the original as cause', () => {
    const original = sysErr('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9');
    const mapped = toRoutingError(original, '127.0.0.1:9')!;
    assert.equal(mapped.message, '127.0.0.1:9: connect ECONNREFUSED 127.0.0.1:9');
    assert.equal(mapped.cause, original);
  });

  it('leaves what is not a transport failure to the caller', () => {
    for (const err of [new TypeError('a bug'), new undiciErrors.RequestAbortedError(), 'text', null, undefined, { code: 42 }]) {
      assert.equal(toRoutingError(err), undefined);
    }
  });

  it('survives a cause cycle', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    const b = new Error('b', { cause: a });
    a.cause = b;
    assert.equal(toRoutingError(a), undefined);
  });
});
