// What admin.boardActions turns on: retry, clean and promote, and nothing else Bull Board offers.
// Its other actions act on BullMQ beside Sluice's job records and break them: emptying or
// obliterating a submit queue leaves jobs QUEUED with nothing queued, "add" puts in a raw job past
// the API's checks, pause, concurrency and rate limits change how a region's worker runs. So with
// actions on, every non-GET/HEAD request to the board must be one of the routes below, matched on
// the route Fastify chose (not the raw URL); anything else is 403 BOARD_ACTION_NOT_ALLOWED.
//
// The routes are @bull-board/api 9.10's (dist/routes.js). A route Bull Board adds later is refused
// until it is listed here; one it renames stops working (403) and the test of the actions says so.
//
// The hook answers by itself instead of throwing: Bull Board's context has its own error handler.

import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../api-error.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** "<METHOD> <route>" of each allowed action, relative to the board's base path. */
export const ALLOWED_BOARD_ACTIONS: ReadonlySet<string> = new Set([
  'PUT /api/queues/:queueName/retry/:queueStatus',
  'PUT /api/queues/:queueName/clean/:queueStatus',
  'PUT /api/queues/:queueName/promote',
  'PUT /api/queues/:queueName/:jobId/retry',
  'PUT /api/queues/:queueName/:jobId/clean',
  'PUT /api/queues/:queueName/:jobId/promote',
]);

/** The onRequest hook for the board's context; `basePath` is where the board is mounted ("/admin/queues"). */
export function boardActionGuard(basePath: string) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (SAFE_METHODS.has(request.method)) return;
    const route = request.routeOptions.url ?? '';
    const relative = route.startsWith(basePath) ? route.slice(basePath.length) : route;
    if (ALLOWED_BOARD_ACTIONS.has(`${request.method} ${relative}`)) return;
    const action = `${request.method} ${relative || request.url}`;
    request.log.warn({ action }, 'board action refused');
    const e = new ApiError('BOARD_ACTION_NOT_ALLOWED', `the board action ${action} is not allowed: Sluice allows only retry, clean and promote`);
    await reply.status(e.status).send(e.toBody());
  };
}
