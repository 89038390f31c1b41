// sts: GetCallerIdentity through the region's routing (the SDK's request handler is the routing's).
// Passing proves the endpoint is reachable and that the credentials are accepted; with
// expectAccount, that they belong to the right account. One attempt: the next tick is the retry.

import { GetCallerIdentityCommand, STSClient, STSServiceException, type STSClientConfig } from '@aws-sdk/client-sts';
import { toRoutingError } from '../routing/index.ts';
import { failure, runBounded, type CheckContext, type CheckResult, type Outcome } from './check-result.ts';
import type { StsCheck } from './check-schema.ts';

export interface StsContext extends CheckContext {
  /** Explicit credentials or a provider; default: the SDK's default provider chain. Pass one
   *  memoized provider to avoid resolving credentials again on every run. */
  credentials?: STSClientConfig['credentials'];
}

const DEFAULT_REGION = 'us-east-1';

export function checkSts(check: StsCheck, ctx: StsContext): Promise<CheckResult> {
  return runBounded(check, ctx, check.endpoint, async (signal) => {
    const client = new STSClient({
      region: check.region ?? DEFAULT_REGION,
      endpoint: check.endpoint,
      requestHandler: ctx.routing.stsRequestHandler,
      maxAttempts: 1,
      ...(ctx.credentials ? { credentials: ctx.credentials } : {}),
    });
    try {
      const out = await client.send(new GetCallerIdentityCommand({}), { abortSignal: signal });
      if (check.expectAccount !== undefined && out.Account !== check.expectAccount) {
        return { code: 'WRONG_ACCOUNT', message: `credentials are ${out.Arn} in account ${out.Account}, expected account ${check.expectAccount}` };
      }
      return { code: 'OK', message: `${out.Arn} in account ${out.Account}` };
    } catch (err) {
      if (signal.aborted) throw err;
      return stsFailure(err, check.endpoint);
    } finally {
      client.destroy(); // the handler's destroy() is a no-op: the routing stays open
    }
  });
}

function stsFailure(err: unknown, endpoint: string): Outcome {
  const routing = toRoutingError(err, endpoint);
  if (routing) return { code: routing.code, message: routing.message };
  if (err instanceof Error && err.name === 'CredentialsProviderError') return { code: 'NO_CREDENTIALS', message: err.message };
  if (err instanceof STSServiceException) {
    const status = err.$metadata.httpStatusCode;
    return { code: 'AWS_ERROR', message: `${endpoint}: ${status ?? ''} ${err.name}: ${err.message}`.replace(/ {2,}/g, ' ') };
  }
  return failure(err, endpoint);
}
