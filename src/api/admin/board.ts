// Bull Board: a browser view of the BullMQ queues. The queues are passed in (each with the group it
// is shown under), so other queues (webhook deliveries, say) join by being added to the list.
// Read-only unless actions are enabled (config admin.boardActions): retry, clean and promote then
// work (the caller's board-action guard refuses Bull Board's other actions). Authentication is not
// done here: the caller registers this behind the admin guard.

import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyPluginCallback } from 'fastify';
import { isStoreUnavailable } from '../../redis/index.ts';
import { ApiError } from '../api-error.ts';

export interface BoardQueue {
  queue: Queue;
  /** The folder the board shows the queue in, e.g. the region ("local-a") or "webhooks". */
  group: string;
  /** What the queue is within its group, e.g. "submit". */
  name: string;
}

export interface BoardOptions {
  queues: readonly BoardQueue[];
  /** Retry, clean, promote and the like; off: the board only shows. */
  actions: boolean;
  /** Where the board is mounted (its pages link to their assets and API under it). */
  basePath: string;
  /** Linked from the board's header. */
  logoutUrl: string;
}

/** Bull Board builds its folders by splitting a queue's board name at this. */
const GROUP_DELIMITER = '/';

type BoardErrorHandler = Parameters<FastifyAdapter['setErrorHandler']>[0];

/**
 * Bull Board answers a failed call with a 500 and the error's message, in a context of its own (our
 * error handler never sees it). Redis being away is a 503 STORE_UNAVAILABLE there too, as everywhere.
 * createBullBoard() hands its error handler to the adapter through setErrorHandler (part of its
 * public IServerAdapter interface); this wraps whatever it hands in, so Bull Board's handler is
 * never imported from its internals (@bull-board/api has no public export of it).
 */
class SluiceBoardAdapter extends FastifyAdapter {
  override setErrorHandler(handler: BoardErrorHandler): this {
    // (Its status type lists no 503; the adapter passes any number to reply.status().)
    const storeUnavailable = { status: 503, body: new ApiError('STORE_UNAVAILABLE').toBody() } as unknown as ReturnType<BoardErrorHandler>;
    return super.setErrorHandler((err) => (isStoreUnavailable(err) ? storeUnavailable : handler(err)));
  }
}

/** The Fastify plugin to register at basePath. */
export function boardPlugin(opts: BoardOptions): FastifyPluginCallback {
  const adapter = new SluiceBoardAdapter();
  adapter.setBasePath(opts.basePath);
  createBullBoard({
    queues: opts.queues.map(({ queue, group, name }) => new BullMQAdapter(queue, {
      readOnlyMode: !opts.actions,
      allowRetries: opts.actions,
      // The board name becomes "<group>/<queue name>": the UI shows it under a folder per group.
      prefix: `${group}${GROUP_DELIMITER}`,
      delimiter: GROUP_DELIMITER,
      displayName: `${group} · ${name}`,
      description: `BullMQ queue ${queue.name} (Redis prefix ${queue.opts.prefix ?? 'bull'})`,
    })),
    // @bull-board/fastify 9.10.1 pins its own copy of @bull-board/api (9.10.1, beside our 9.10.2):
    // the same declarations twice, which TypeScript tells apart by their private fields.
    serverAdapter: adapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
    options: {
      uiConfig: {
        boardTitle: 'Sluice queues',
        miscLinks: [{ text: 'Log out', url: opts.logoutUrl }],
      },
    },
  });
  return adapter.registerPlugin();
}
