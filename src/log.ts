// The one root logger. Redaction is set once here: tokens and credentials never reach a log line.

import { pino, type Logger } from 'pino';

export const REDACT_PATHS = [
  'req.headers.authorization', 'headers.authorization', 'authorization',
  '*.token', 'token', 'tokens', '*.tokens',
  '*.secretAccessKey', '*.sessionToken', '*.accessKeyId',
  'redis.url', 'redisUrl',
];

export function createLogger(level: string, name = 'sluice'): Logger {
  return pino({ name, level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
}
