// tcp: can the region open a TCP connection to host:port (KMS, a database, anything not HTTP)?
// Through routing.connectTcp: allow-list, hosts, source address, proxy and timeouts all apply.

import { runBounded, type CheckContext, type CheckResult } from './check-result.ts';
import type { TcpCheck } from './check-schema.ts';

export function checkTcp(check: TcpCheck, ctx: CheckContext): Promise<CheckResult> {
  const target = `${check.host}:${check.port}`;
  return runBounded(check, ctx, target, async (signal) => {
    const socket = await ctx.routing.connectTcp(check.host, check.port, signal);
    socket.destroy();
    const via = ctx.routing.network.proxy ? ' through the proxy' : '';
    return { code: 'OK', message: `connected to ${target}${via}` };
  });
}
