export { loadRuntime, type Runtime } from './load-runtime.ts';
export { checkRedisDurability } from './redis-durability.ts';
export { DEFAULT_STOP_DEADLINE_MS, Shutdown, StopRequested, type StopStepOptions } from './shutdown.ts';
export { withDeadline, type DeadlineOutcome } from './with-deadline.ts';
export { closeHttp, DEFAULT_HTTP_GRACE_MS } from './close-http.ts';
export { warnOnRolloutDrift } from './rollout-drift.ts';
export { launchMetrics } from './metrics-listener.ts';
