// The AWS SDK handler over a dispatcher, against undici's MockAgent (no network): what goes on the
// wire, what comes back, and that an SDK client's destroy() leaves the routing's dispatcher alone.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MockAgent } from 'undici';
import { DispatcherHttpHandler } from '../../src/routing/sts-request-handler.ts';

function mock() {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const seen: Array<{ path: string; method: string; headers: unknown; body: unknown }> = [];
  agent.get('https://sts.example:8443').intercept({ path: () => true, method: () => true }).reply((opts) => {
    seen.push({ path: opts.path, method: opts.method, headers: opts.headers, body: opts.body });
    return { statusCode: 200, data: '<ok/>', responseOptions: { headers: { 'x-amzn-requestid': 'r1', 'set-cookie': ['a=1', 'b=2'] } } };
  }).persist();
  return { agent, seen };
}

const request = (over: Record<string, unknown> = {}) => ({
  protocol: 'https:', hostname: 'sts.example', port: 8443, path: '/', method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=GetCallerIdentity&Version=2011-06-15',
  query: {}, ...over,
});

describe('DispatcherHttpHandler', () => {
  it('sends method, path, headers and body through the dispatcher', async () => {
    const { agent, seen } = mock();
    const { response } = await new DispatcherHttpHandler(agent).handle(request() as never);
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['x-amzn-requestid'], 'r1');
    assert.equal(response.headers['set-cookie'], 'a=1,b=2'); // as Smithy's Node handler joins them
    assert.equal(await (response.body as { text(): Promise<string> }).text(), '<ok/>');
    assert.equal(seen[0]!.method, 'POST');
    assert.equal(seen[0]!.body, 'Action=GetCallerIdentity&Version=2011-06-15');
  });

  it('encodes the query the way Smithy signs it: sorted keys, RFC 3986', async () => {
    const { agent, seen } = mock();
    await new DispatcherHttpHandler(agent).handle(request({ method: 'GET', body: undefined, query: { 'b': "it's (x)*", a: ['1', '2'], flag: null } }) as never);
    assert.equal(seen[0]!.path, "/?a=1&a=2&b=it%27s%20%28x%29%2A&flag");
  });

  it('honours the SDK abort signal', async () => {
    const { agent } = mock();
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      new DispatcherHttpHandler(agent).handle(request() as never, { abortSignal: controller.signal }),
      { name: 'AbortError' },
    );
  });

  it('destroy() leaves the dispatcher open: it belongs to the routing', async () => {
    const { agent, seen } = mock();
    const handler = new DispatcherHttpHandler(agent);
    handler.destroy();
    await handler.handle(request() as never);
    assert.equal(seen.length, 1);
  });
});
