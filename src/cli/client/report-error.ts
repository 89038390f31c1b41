// Any error of a client command → what to print (one line, then indented details) and the exit
// code. The messages say what to do: where the URL and token were read from (never the token), the
// flag to fix for a bad spec field, the regions there are for an unknown one (the API's message
// lists them).

import type { ApiErrorCode } from '../../api/api-error.ts';
import { SluiceApiError, SluiceConnectionError } from '../../client/index.ts';
import { CliError } from './cli-error.ts';
import type { ConnectionConfig } from './connection-config.ts';
import { EXIT, exitCodeForStatus, type ExitCode } from './exit-codes.ts';
import { flagForField } from './job-spec-input.ts';
import { webhookFlagForField } from './webhook-flags.ts';

export interface ErrorReport {
  message: string;
  details: string[];
  exitCode: ExitCode;
}

export function describeError(err: unknown, conn?: ConnectionConfig): ErrorReport {
  if (err instanceof CliError) return { message: err.message, details: err.details, exitCode: err.exitCode };
  if (err instanceof SluiceConnectionError) {
    const from = conn ? ` (URL from ${conn.urlSource})` : '';
    return { message: `${err.message}${from}`, details: [], exitCode: EXIT.UNAVAILABLE };
  }
  if (err instanceof SluiceApiError) return describeApiError(err, conn);
  if (isAbort(err)) return { message: 'interrupted', details: [], exitCode: EXIT.INTERRUPTED };
  return { message: `unexpected error: ${err instanceof Error ? err.message : String(err)}`, details: [], exitCode: EXIT.UNAVAILABLE };
}

function describeApiError(err: SluiceApiError, conn?: ConnectionConfig): ErrorReport {
  const at = conn ? ` at ${conn.url}` : '';
  if (err.status === 401) {
    const why = conn?.tokenSource
      ? `the token from ${conn.tokenSource} is unknown to it`
      : `no token was sent: set SLUICE_TOKEN, or "token" in ${conn?.configFile ?? 'the config file'}`;
    return { message: `Sluice${at} did not accept the call (401 ${err.code}): ${why}`, details: [], exitCode: EXIT.UNAVAILABLE };
  }
  const details = (err.issues ?? []).map((issue) => {
    const field = issue.path.join('.') || '(body)';
    const flag = hasCode(err, 'INVALID_JOB_SPEC', 'UNKNOWN_REGION') ? flagForField(issue.path)
      : hasCode(err, 'INVALID_REQUEST') ? webhookFlagForField(issue.path) : undefined;
    return `${field}: ${issue.message}${flag ? ` (${flag})` : ''}`;
  });
  const exitCode = exitCodeForStatus(err.status);
  if (exitCode === EXIT.UNAVAILABLE) {
    const retry = err.retryAfterSeconds !== undefined ? `; it asked to retry after ${err.retryAfterSeconds} s` : '';
    return { message: `Sluice${at} could not serve the call (${err.status} ${err.code}): ${err.message}${retry}`, details, exitCode };
  }
  // A bad spec's (or request's) message repeats its issues: they are listed below, one a line, with
  // the flag to fix.
  const message = hasCode(err, 'INVALID_JOB_SPEC') && details.length ? 'the job spec is invalid:'
    : hasCode(err, 'INVALID_REQUEST') && details.length ? 'the request is invalid:' : err.message;
  return { message: `${err.code}: ${message}`, details, exitCode };
}

/** Whether the API answered with one of `codes`: codes the API has, checked by the compiler against its table. */
function hasCode(err: SluiceApiError, ...codes: ApiErrorCode[]): boolean {
  return (codes as readonly string[]).includes(err.code);
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || (err as { code?: unknown }).code === 'ABORT_ERR');
}
