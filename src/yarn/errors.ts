// Every error the ResourceManager client throws: one class, stable codes, one table. Callers steer
// on `code` (and isRetryable), never on message text; messages are for people and name the RM and
// the step, e.g. "submit application_1_0001 to http://rm1:8088: 400 BadRequestException: …".

export const YARN_ERRORS = {
  RM_UNREACHABLE: { retryable: true, message: 'no ResourceManager could be reached' },
  NO_ACTIVE_RM: { retryable: true, message: 'no ResourceManager is active' },
  APP_NOT_FOUND: { retryable: false, message: 'application not found' },
  UNAUTHORIZED: { retryable: false, message: 'the ResourceManager refused the user' },
  BAD_REQUEST: { retryable: false, message: 'the ResourceManager rejected the request' },
  RM_ERROR: { retryable: true, message: 'the ResourceManager failed' },
  // The RM answered something we don't understand: repeating the call won't change that.
  BAD_RESPONSE: { retryable: false, message: 'unexpected answer from the ResourceManager' },
  TIMEOUT: { retryable: true, message: 'the ResourceManager did not answer in time' },
  ABORTED: { retryable: false, message: 'the call was aborted' },
  // The RM kept answering 202 (kill in progress) until the caller's deadline.
  KILL_TIMEOUT: { retryable: true, message: 'the application was still being killed at the deadline' },
  // NodeManager: the container's log is not (or no longer) on the node.
  LOG_NOT_FOUND: { retryable: false, message: 'container log not found on the NodeManager' },
  NM_UNREACHABLE: { retryable: true, message: 'the NodeManager could not be reached' },
} as const satisfies Record<string, { retryable: boolean; message: string }>;

export type YarnErrorCode = keyof typeof YARN_ERRORS;

export interface YarnErrorDetails {
  /** Replaces the code's default message. */
  message?: string;
  status?: number;
  rmUrl?: string;
  /** What the client was doing, e.g. "submit application_1_0001". */
  step?: string;
  cause?: unknown;
}

export class YarnError extends Error {
  override readonly name = 'YarnError';
  readonly code: YarnErrorCode;
  readonly status?: number;
  readonly rmUrl?: string;
  readonly step?: string;

  constructor(code: YarnErrorCode, details: YarnErrorDetails = {}) {
    const detail = details.message ?? YARN_ERRORS[code].message;
    const { step, rmUrl, cause } = details;
    const where = step && rmUrl ? `${step} to ${rmUrl}: ` : step ? `${step}: ` : '';
    super(where + detail, cause === undefined ? undefined : { cause });
    this.code = code;
    if (details.status !== undefined) this.status = details.status;
    if (details.rmUrl !== undefined) this.rmUrl = details.rmUrl;
    if (details.step !== undefined) this.step = details.step;
  }
}

/** 5xx, unreachable, no active RM, timeout: worth another try later. 4xx and the rest: not. */
export function isRetryable(err: unknown): boolean {
  return err instanceof YarnError && YARN_ERRORS[err.code].retryable;
}

const MAX_TEXT = 500;

export function truncate(text: string, max = MAX_TEXT): string {
  const flat = text.trim().replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

export interface RemoteException {
  exception: string;
  message: string;
  javaClassName?: string;
}

/** YARN's error body `{"RemoteException":{exception,message,javaClassName}}`; undefined for anything else. */
export function parseRemoteException(text: string): RemoteException | undefined {
  try {
    const re = (JSON.parse(text) as { RemoteException?: Partial<RemoteException> } | null)?.RemoteException;
    if (re && typeof re.exception === 'string') {
      const message = typeof re.message === 'string' ? re.message : '';
      return typeof re.javaClassName === 'string'
        ? { exception: re.exception, message, javaClassName: re.javaClassName }
        : { exception: re.exception, message };
    }
  } catch {
    // Error bodies may be HTML or plain text (a proxy, Jetty's own pages): that is not a failure.
  }
  return undefined;
}

/** Maps an RM's 4xx/5xx answer to a YarnError; the body (JSON, HTML or text) only feeds the message. */
export function errorFromStatus(status: number, body: string, where: { rmUrl: string; step: string }): YarnError {
  const remote = parseRemoteException(body);
  const text = remote ? truncate(`${remote.exception}: ${remote.message}`) : truncate(body);
  const message = text ? `${status} ${text}` : `${status}`;
  const details = { message, status, ...where };
  // Only YARN's own NotFoundException means "no such application"; a 404 page from a wrong base
  // URL or a proxy must not make a tracked application look gone.
  if (status === 404 && remote?.exception === 'NotFoundException') return new YarnError('APP_NOT_FOUND', details);
  if (status === 401 || status === 403) return new YarnError('UNAUTHORIZED', details);
  if (status >= 500) return new YarnError('RM_ERROR', details);
  return new YarnError('BAD_REQUEST', details);
}
