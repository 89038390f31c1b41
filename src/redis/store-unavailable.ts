// Is this error "Redis is not there right now" (as opposed to a bug or a bad command)? The API
// answers those with 503 STORE_UNAVAILABLE and Retry-After instead of a 500 and a stack trace.
// ioredis reports an outage in several shapes, depending on when the command was issued.

const OUTAGE_MESSAGES = [
  'Command timed out', // commandTimeout: no answer in time
  "Stream isn't writeable", // enableOfflineQueue: false while disconnected
  'Connection is closed', // the connection dropped with the command in flight
  'Reached the max retries per request limit', // MaxRetriesPerRequestError
  'connect ECONNREFUSED',
  'read ECONNRESET',
  'write EPIPE',
];
const OUTAGE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTCONN', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

export function isStoreUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'MaxRetriesPerRequestError') return true;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && OUTAGE_CODES.has(code)) return true;
  return OUTAGE_MESSAGES.some((m) => err.message.includes(m));
}
