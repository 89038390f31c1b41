// Every Redis connection Sluice opens comes from here, so each one has an error listener (ioredis
// emits 'error' on every failed reconnect; unheard, it prints "Unhandled error event" per retry)
// and logs one JSON line when it goes down and one when it comes back, not one per retry.
//
// Two kinds, because they fail differently on purpose:
// - 'request': the API's request path. Bounded: a command that gets no answer within
//   commandTimeoutMs fails; nothing is queued while disconnected (enableOfflineQueue: false) and a
//   command in flight when the connection drops is failed, never re-sent after a reconnect
//   (maxRetriesPerRequest: 0, autoResendUnfulfilledCommands: false). With Redis down, a caller
//   answered 503 can trust that its write did not and will not happen. (With Redis up but slower
//   than the timeout, a command may still run after the caller gave up: the submit path marks
//   such a job so it never runs; see enqueueOrFail in src/api/routes/jobs.ts.)
// - 'background': workers, BullMQ queues and workers, blocking reads. Patient: commands wait for
//   the reconnect (BullMQ requires maxRetriesPerRequest: null on its blocking connections).

import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';

export type RedisRole = 'request' | 'background';

export interface ConnectOptions {
  /** What this connection is for, in its log lines (e.g. "api", "submit-worker"). */
  name: string;
  role: RedisRole;
  log: Logger;
  /** 'request' only: how long one command may take before it fails. */
  commandTimeoutMs?: number;
  /** Extra ioredis options (e.g. lazyConnect). */
  options?: RedisOptions;
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 1500;
/** Reconnect backoff: quick at first, at most 1 s apart, so an outage ends fast for us too. */
const retryStrategy = (attempt: number) => Math.min(50 * attempt, 1000);

export function connectRedis(url: string, opts: ConnectOptions): Redis {
  const roleOptions: RedisOptions = opts.role === 'request'
    ? {
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      commandTimeout: opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
      connectTimeout: opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
    }
    : { maxRetriesPerRequest: null, connectTimeout: 5000 };
  const redis = new Redis(url, { retryStrategy, connectionName: `sluice:${opts.name}`, ...roleOptions, ...opts.options });
  watchConnection(redis, opts.name, opts.log);
  return redis;
}

/**
 * Logs one line when the connection goes down and one when it is back. Also for connections made
 * elsewhere (BullMQ duplicates its blocking connection: pass it here too).
 */
export function watchConnection(redis: Redis, name: string, log: Logger): void {
  let down = false;
  let downSince = 0;
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    downSince = Date.now();
    log.warn({ redis: name, err: { message: err.message, code: (err as { code?: string }).code } }, `Redis connection "${name}" lost; reconnecting`);
  });
  redis.on('close', () => {
    if (down || redis.status === 'end') return;
    // A close without an error (e.g. the server shut down cleanly) is an outage too.
    down = true;
    downSince = Date.now();
    log.warn({ redis: name }, `Redis connection "${name}" closed; reconnecting`);
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    log.info({ redis: name, downMs: Date.now() - downSince }, `Redis connection "${name}" restored`);
  });
}

/** Resolves once the connection is ready, or rejects after timeoutMs naming Redis. */
export async function waitUntilReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`Redis did not answer within ${timeoutMs} ms (status ${redis.status})`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}
