// BullMQ's Queue and Worker re-emit every error of their Redis connections: one per reconnect
// attempt while Redis is down, and an EventEmitter with no 'error' listener prints each as a stack
// trace. This listener logs one JSON line when an outage starts and one when the connection is
// ready again; errors while Redis is up (a script error, a lost lock) are logged each time.

import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { isStoreUnavailable } from './store-unavailable.ts';

interface ErrorEmitter {
  on(event: 'error', listener: (err: Error) => void): unknown;
}

/** Part of an outage: the connection is not ready, or the error is one of Redis being away. */
function isConnectionError(err: Error, connection: Redis): boolean {
  return connection.status !== 'ready' || isStoreUnavailable(err);
}

/** `connection`: the ioredis connection the queue or worker was given; its 'ready' ends an outage. */
export function watchQueueErrors(emitter: ErrorEmitter, name: string, connection: Redis, log: Logger): void {
  let downSince = 0;
  connection.on('ready', () => {
    if (!downSince) return;
    log.info({ queue: name, downMs: Date.now() - downSince }, `${name}: Redis is back`);
    downSince = 0;
  });
  emitter.on('error', (err: Error) => {
    if (!isConnectionError(err, connection)) {
      log.error({ queue: name, err }, `${name}: error`);
      return;
    }
    if (downSince) return;
    downSince = Date.now();
    log.warn({ queue: name, err: { message: err.message, code: (err as { code?: string }).code } }, `${name}: Redis unreachable; waiting for it`);
  });
}
