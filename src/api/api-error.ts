// Every error the API answers with: a stable code, its HTTP status, a default message, in one
// table (the one place codes map to statuses). Body: {"error": {code, message, issues?}}.

export const API_ERRORS = {
  UNAUTHENTICATED: { status: 401, message: 'missing or unknown bearer token' },
  FORBIDDEN_REGION: { status: 403, message: 'this token may not use the region' },
  ADMIN_REQUIRED: { status: 403, message: 'only an admin principal may do this' },
  BOARD_ACTION_NOT_ALLOWED: { status: 403, message: 'Sluice allows only retry, clean and promote on the board' },
  CROSS_SITE_REQUEST: { status: 403, message: 'refused: a change under /admin must come from a page of this same origin' },
  INVALID_JOB_SPEC: { status: 400, message: 'the job spec is invalid' },
  INVALID_JSON: { status: 400, message: 'the request body is not valid JSON' },
  INVALID_REQUEST: { status: 400, message: 'the request is invalid' },
  UNKNOWN_REGION: { status: 400, message: 'no such region' },
  JOB_NOT_FOUND: { status: 404, message: 'no such job' },
  REGION_NOT_FOUND: { status: 404, message: 'no such region' },
  NOT_FOUND: { status: 404, message: 'no such route' },
  WEBHOOK_NOT_FOUND: { status: 404, message: 'no such webhook subscription' },
  WEBHOOK_DISABLED: { status: 409, message: 'the webhook subscription is disabled: enable it first' },
  LOGS_NOT_FOUND: { status: 404, message: 'the job has no logs (yet, or any more)' },
  WORKER_UNAVAILABLE: { status: 503, message: "the region's worker did not answer" },
  YARN_ERROR: { status: 502, message: "the region's YARN did not give the logs" },
  IDEMPOTENCY_CONFLICT: { status: 409, message: 'this Idempotency-Key was used with a different body' },
  REGION_DISABLED: { status: 409, message: 'the region does not take submissions now (rollout mode "off"): run the job the old way' },
  NOT_IN_ROLLOUT: { status: 409, message: "the region is in canary and this job is not in it: run the job the old way" },
  BODY_TOO_LARGE: { status: 413, message: 'the request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'send application/json' },
  NOT_READY: { status: 503, message: 'not ready' },
  // Redis (the job store) did not answer: nothing was recorded; retry after Retry-After seconds.
  STORE_UNAVAILABLE: { status: 503, message: 'the job store (Redis) is unavailable; nothing was recorded, retry later' },
  INVALID_LAST_EVENT_ID: { status: 400, message: 'Last-Event-ID is not an event id of this stream' },
  TOO_MANY_STREAMS: { status: 429, message: 'too many open event streams; retry later' },
  TOO_MANY_LOGINS: { status: 429, message: 'too many failed admin logins from this address; retry after Retry-After seconds' },
  INTERNAL: { status: 500, message: 'internal error' },
} as const;

export type ApiErrorCode = keyof typeof API_ERRORS;

export interface ApiIssue {
  path: (string | number)[];
  message: string;
}

export class ApiError extends Error {
  readonly status: number;

  constructor(readonly code: ApiErrorCode, message?: string, readonly issues?: ApiIssue[]) {
    super(message ?? API_ERRORS[code].message);
    this.name = 'ApiError';
    this.status = API_ERRORS[code].status;
  }

  toBody() {
    return { error: { code: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}) } };
  }
}
