// What every check returns, the codes it may carry, and the one way a check is run: timed,
// bounded by its timeout whatever the code inside does, and never throwing.

import { ROUTING_ERRORS, toRoutingError, type Routing } from '../routing/index.ts';

/** Codes a check reports besides the routing's own (EGRESS_DENIED, DNS_FAILURE, …). */
export const CHECK_CODES = {
  OK: 'the check passed',
  HTTP_ERROR: 'the endpoint answered with an unexpected HTTP status',
  BAD_RESPONSE: 'the endpoint answered something that is not what the check expects',
  NO_ACTIVE_RM: 'ResourceManagers answered, but none is ACTIVE',
  WRONG_ACCOUNT: 'STS answered for another AWS account than expectAccount',
  AWS_ERROR: 'STS answered with an AWS error (credentials refused, throttled, …)',
  NO_CREDENTIALS: 'no AWS credentials were found to sign the STS call',
  CHECK_TIMEOUT: 'the check did not finish within its time bound',
  ABORTED: 'the check was cancelled by its caller',
  CHECK_ERROR: 'the check itself failed (a bug or a bad definition)',
} as const;

export type CheckCode = keyof typeof CHECK_CODES | keyof typeof ROUTING_ERRORS;
export type CheckType = 'yarn-rm' | 'sts' | 'tcp' | 'https';

export interface CheckResult {
  name: string;
  type: CheckType;
  ok: boolean;
  code: CheckCode;
  message: string;
  latencyMs: number;
  /** When the check started, ISO 8601. */
  at: string;
}

export interface Outcome { code: CheckCode; message: string }

export interface CheckContext {
  routing: Routing;
  /** The check's bound; default connectTimeoutMs + requestTimeoutMs of the routing: one
   *  connection and one answer. */
  timeoutMs?: number | undefined;
  /** The caller's cancel (e.g. the worker closing). */
  signal?: AbortSignal | undefined;
}

export function checkTimeoutMs(ctx: CheckContext): number {
  return ctx.timeoutMs ?? ctx.routing.network.connectTimeoutMs + ctx.routing.network.requestTimeoutMs;
}

/**
 * Runs one check's body with an AbortSignal that fires at timeoutMs (or on the caller's abort) and,
 * as a backstop for code that ignores signals, stops waiting for it at that moment too. Errors the
 * body throws become outcomes (see failure()); nothing escapes.
 */
export async function runBounded(
  check: { name: string; type: CheckType },
  ctx: CheckContext,
  /** What the check talks to (host:port, URL), for messages of routing failures. */
  target: string,
  body: (signal: AbortSignal) => Promise<Outcome>,
): Promise<CheckResult> {
  const at = new Date().toISOString();
  const started = performance.now();
  const timeoutMs = checkTimeoutMs(ctx);
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new CheckTimeout(timeoutMs)), timeoutMs);
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, deadline.signal]) : deadline.signal;
  let stop: (() => void) | undefined;
  const stopped = new Promise<Outcome>((resolve) => {
    stop = () => resolve(abortedOutcome(signal));
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
  let outcome: Outcome;
  try {
    const work = (async () => body(signal))().catch((err: unknown) => (signal.aborted ? abortedOutcome(signal) : failure(err, target)));
    outcome = await Promise.race([work, stopped]);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', stop!);
  }
  const latencyMs = Math.round(performance.now() - started);
  return { name: check.name, type: check.type, ok: outcome.code === 'OK', code: outcome.code, message: outcome.message, latencyMs, at };
}

class CheckTimeout extends Error {
  constructor(readonly ms: number) {
    super(`no result within ${ms} ms`);
  }
}

function abortedOutcome(signal: AbortSignal): Outcome {
  return signal.reason instanceof CheckTimeout
    ? { code: 'CHECK_TIMEOUT', message: signal.reason.message }
    : { code: 'ABORTED', message: 'cancelled' };
}

/** A thrown error as an outcome: a routing failure keeps its code, anything else is CHECK_ERROR. */
export function failure(err: unknown, target?: string): Outcome {
  const routing = toRoutingError(err, target);
  if (routing) return { code: routing.code, message: routing.message };
  return { code: 'CHECK_ERROR', message: err instanceof Error ? err.message || err.name : String(err) };
}
