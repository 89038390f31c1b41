export { checkSts, runCheck, runChecks, type PreflightDeps } from './run-checks.ts';
export { CHECK_CODES, type CheckCode, type CheckContext, type CheckResult, type CheckType } from './check-result.ts';
export {
  checkDefinition, preflightConfig, isRequired,
  type CheckDefinition, type PreflightConfig, type YarnRmCheck, type StsCheck, type TcpCheck, type HttpsCheck,
} from './check-schema.ts';
export { checkYarnRm, type YarnRmContext } from './yarn-rm.ts';
export type { StsContext } from './sts.ts';
export { checkTcp } from './tcp.ts';
export { checkHttps } from './https.ts';
