// The one NodeManager endpoint Sluice reads: a container's log file
// (GET /ws/v1/node/containerlogs/{containerid}/{filename}?size=N, NMWebServices). A positive size
// returns the first N bytes, a negative one the last N, as the real NM does.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { RmContext } from './rm-context.ts';
import { queryOf } from './rm-context.ts';

export function registerNodeRoutes(app: FastifyInstance, ctx: RmContext): void {
  app.get('/ws/v1/node/containerlogs/:containerId/:file', async (req, reply) => {
    const { containerId, file } = req.params as { containerId: string; file: string };
    const container = ctx.registry.all().flatMap((a) => a.containers).find((c) => c.containerId === containerId);
    if (!container || file.includes('/') || file.startsWith('.')) {
      return reply.code(404).type('text/plain').send(`Cannot find this log on the local disk. (container ${containerId})`);
    }
    let content: Buffer;
    try {
      content = await readFile(join(container.dir, file));
    } catch {
      return reply.code(404).type('text/plain').send(`Cannot find this log on the local disk. (${file})`);
    }
    const size = Number(queryOf(req.url).get('size') ?? NaN);
    if (Number.isInteger(size) && size !== 0) content = size > 0 ? content.subarray(0, size) : content.subarray(Math.max(0, content.length + size));
    return reply.type('text/plain; charset=utf-8').send(content);
  });
}
