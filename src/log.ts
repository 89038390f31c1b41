// The one root logger. Redaction is set once here: tokens and credentials never reach a log line.

import { pino, type Logger } from 'pino';

export const REDACT_PATHS = [
  'req.headers.authorization', 'headers.authorization', 'authorization',
  '*.token', 'token', 'tokens', '*.tokens',
  '*.secretAccessKey', '*.sessionToken', '*.accessKeyId',
  'redis.url', 'redisUrl',
];

/**
 * Lines go to stdout asynchronously: pino's default writes each line with its own synchronous
 * write(2), which under load was a tenth of a process's CPU. A line waits at most for the write
 * before it; pino flushes what is left when the process exits.
 */
export function createLogger(level: string, name = 'sluice'): Logger {
  return pino({ name, level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, stdout());
}

/** One stream to stdout per process, shared by every logger: two would interleave their writes. */
let shared: ReturnType<typeof pino.destination> | null = null;
function stdout() {
  shared ??= pino.destination({ dest: 1, sync: false });
  return shared;
}
