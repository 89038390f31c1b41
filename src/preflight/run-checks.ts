// One preflight round: every check of a region at once (a slow one mustn't delay the rest), each
// bounded by its own timeout, results in the order of the definitions. Never throws.

import type { CheckContext, CheckResult } from './check-result.ts';
import type { CheckDefinition, StsCheck } from './check-schema.ts';
import { checkHttps } from './https.ts';
import type { StsContext } from './sts.ts';
import { checkTcp } from './tcp.ts';
import { checkYarnRm } from './yarn-rm.ts';

export interface PreflightDeps extends CheckContext {
  /** The region's ResourceManagers and user, for yarn-rm checks. */
  yarn: { resourceManagers: readonly string[]; user: string };
  credentials?: StsContext['credentials'];
}

export function runChecks(checks: readonly CheckDefinition[], deps: PreflightDeps): Promise<CheckResult[]> {
  return Promise.all(checks.map((check) => runCheck(check, deps)));
}

/**
 * The sts check, its module (and with it the AWS SDK, ~10 MB resident) loaded on first use: a
 * process whose regions have no sts check never loads it.
 */
export async function checkSts(check: StsCheck, ctx: StsContext): Promise<CheckResult> {
  const { checkSts: run } = await import('./sts.ts');
  return run(check, ctx);
}

export function runCheck(check: CheckDefinition, deps: PreflightDeps): Promise<CheckResult> {
  switch (check.type) {
    case 'yarn-rm': return checkYarnRm(check, { ...deps, ...deps.yarn });
    case 'sts': return checkSts(check, deps);
    case 'tcp': return checkTcp(check, deps);
    case 'https': return checkHttps(check, deps);
  }
}
