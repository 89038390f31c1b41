// Every error the client throws, in one file. Two kinds:
// - SluiceApiError: Sluice answered, with an error status. `code` is the API's stable code
//   (ARCHITECTURE.md, HTTP API: {"error": {code, message, issues}}); steer on it, never on the text.
//   An answer that isn't the API's error shape (a proxy's 502 page) gets code `HTTP_<status>`.
// - SluiceConnectionError: no answer — refused, unresolvable, reset, or too slow. Its message names
//   the URL (never the token) and what happened.
// An AbortSignal's abort is neither: the call rejects with the signal's reason, as fetch does.

export interface SluiceIssue {
  path: (string | number)[];
  message: string;
}

export class SluiceApiError extends Error {
  override readonly name = 'SluiceApiError';
  readonly status: number;
  readonly code: string;
  readonly issues?: SluiceIssue[];
  /** The answer's Retry-After, in seconds (429, 503). */
  readonly retryAfterSeconds?: number;

  constructor(opts: { status: number; code: string; message: string; issues?: SluiceIssue[]; retryAfterSeconds?: number }) {
    super(opts.message);
    this.status = opts.status;
    this.code = opts.code;
    if (opts.issues) this.issues = opts.issues;
    if (opts.retryAfterSeconds !== undefined) this.retryAfterSeconds = opts.retryAfterSeconds;
  }
}

/** What went wrong on the wire, as a short phrase; `retry` says when another try may do better. */
export const CONNECTION_FAILURES = {
  // Before the request left: any call may be tried again, a submit too.
  REFUSED: { phrase: 'connection refused', unsent: true, retry: true },
  DNS_RETRY: { phrase: 'host name lookup failed for now (EAI_AGAIN)', unsent: true, retry: true },
  UNREACHABLE: { phrase: 'network or host unreachable', unsent: true, retry: true },
  // A wrong host name stays wrong: fail at once.
  DNS: { phrase: 'host name not found', unsent: true, retry: false },
  // The request may have reached Sluice: only an idempotent call is tried again.
  RESET: { phrase: 'connection reset', unsent: false, retry: true },
  CLOSED: { phrase: 'connection closed before the answer was complete', unsent: false, retry: true },
  // The call's time is spent: a timeout is not tried again.
  CONNECT_TIMEOUT: { phrase: 'connection timed out', unsent: true, retry: false },
  TIMEOUT: { phrase: 'no answer in time', unsent: false, retry: false },
  BODY_TIMEOUT: { phrase: 'the answer stalled', unsent: false, retry: false },
  // Something answered, but not as Sluice does (a 2xx that is not JSON: a proxy's page?).
  BAD_ANSWER: { phrase: 'the answer is not JSON', unsent: false, retry: false },
  OTHER: { phrase: 'request failed', unsent: false, retry: false },
} as const satisfies Record<string, { phrase: string; unsent: boolean; retry: boolean }>;

export type ConnectionFailure = keyof typeof CONNECTION_FAILURES;

export class SluiceConnectionError extends Error {
  override readonly name = 'SluiceConnectionError';
  /** Sluice's base URL as configured, without any user:password part. */
  readonly url: string;
  readonly failure: ConnectionFailure;
  readonly #detail: string;

  constructor(url: string, failure: ConnectionFailure, detail?: string, cause?: unknown) {
    const text = detail ?? CONNECTION_FAILURES[failure].phrase;
    super(`cannot reach Sluice at ${url}: ${text}`, cause === undefined ? undefined : { cause });
    this.url = url;
    this.failure = failure;
    this.#detail = text;
  }

  /** The same failure (and cause), its message followed by `note`: what it means for the call. */
  withNote(note: string): SluiceConnectionError {
    return new SluiceConnectionError(this.url, this.failure, `${this.#detail}; ${note}`, this.cause);
  }
}

const BY_CODE: Record<string, ConnectionFailure> = {
  ECONNREFUSED: 'REFUSED',
  ENOTFOUND: 'DNS',
  EAI_AGAIN: 'DNS_RETRY',
  ENETUNREACH: 'UNREACHABLE',
  EHOSTUNREACH: 'UNREACHABLE',
  ECONNRESET: 'RESET',
  EPIPE: 'RESET',
  UND_ERR_SOCKET: 'CLOSED',
  UND_ERR_CLOSED: 'CLOSED',
  UND_ERR_CONNECT_TIMEOUT: 'CONNECT_TIMEOUT',
  UND_ERR_HEADERS_TIMEOUT: 'TIMEOUT',
  UND_ERR_BODY_TIMEOUT: 'BODY_TIMEOUT',
  ETIMEDOUT: 'CONNECT_TIMEOUT',
};

/** Classifies an error of undici or the socket under it (the code may sit on a cause, or on one error of an AggregateError). */
export function connectionFailure(err: unknown): ConnectionFailure {
  const seen = new Set<unknown>();
  const stack = [err];
  while (stack.length) {
    const e = stack.pop();
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && BY_CODE[code]) return BY_CODE[code];
    stack.push((e as { cause?: unknown }).cause);
    if (e instanceof AggregateError) stack.push(...e.errors);
  }
  return 'OTHER';
}
