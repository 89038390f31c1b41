// yarn-rm: is one of the region's ResourceManagers reachable and ACTIVE? Asks every RM's
// /ws/v1/cluster/info at once through src/yarn's client (the only code that speaks YARN's wire
// format), one client per RM so each answer is seen rather than failed over.

import { ResourceManagerClient } from '../yarn/resource-manager-client.ts';
import { YarnError } from '../yarn/errors.ts';
import { toRoutingError } from '../routing/index.ts';
import { checkTimeoutMs, failure, runBounded, type CheckContext, type CheckResult, type Outcome } from './check-result.ts';
import type { YarnRmCheck } from './check-schema.ts';

export interface YarnRmContext extends CheckContext {
  resourceManagers: readonly string[];
  user: string;
}

export function checkYarnRm(check: YarnRmCheck, ctx: YarnRmContext): Promise<CheckResult> {
  return runBounded(check, ctx, ctx.resourceManagers.join(', '), async (signal) => {
    if (ctx.resourceManagers.length === 0) return { code: 'CHECK_ERROR', message: 'no ResourceManager configured' };
    const seen = await Promise.all(ctx.resourceManagers.map(async (rm) => {
      const client = new ResourceManagerClient({
        resourceManagers: [rm], user: ctx.user, dispatcher: ctx.routing.dispatcher, requestTimeoutMs: checkTimeoutMs(ctx),
      });
      try {
        return { rm, haState: (await client.clusterInfo(signal)).haState };
      } catch (err) {
        return { rm, failed: yarnFailure(err) };
      }
    }));
    const message = seen.map((s) => (s.haState ? `${s.rm} is ${s.haState}` : s.failed!.message)).join('; ');
    if (seen.some((s) => s.haState === 'ACTIVE')) return { code: 'OK', message };
    if (seen.some((s) => s.haState)) return { code: 'NO_ACTIVE_RM', message };
    // None answered: the first RM's failure names the problem (usually all share it).
    return { code: seen[0]!.failed!.code, message };
  });
}

function yarnFailure(err: unknown): Outcome {
  if (!(err instanceof YarnError)) return failure(err);
  const routing = toRoutingError(err);
  switch (err.code) {
    case 'RM_UNREACHABLE': return { code: routing?.code ?? 'NETWORK_ERROR', message: err.message };
    case 'TIMEOUT': return { code: routing?.code ?? 'RESPONSE_TIMEOUT', message: err.message };
    case 'NO_ACTIVE_RM': return { code: 'NO_ACTIVE_RM', message: err.message };
    case 'BAD_RESPONSE': return { code: 'BAD_RESPONSE', message: err.message };
    case 'ABORTED': return { code: 'ABORTED', message: err.message };
    default: return { code: 'HTTP_ERROR', message: err.message }; // 4xx/5xx from the RM
  }
}
