// The one NodeManager endpoint Sluice reads: a container's log file
// (GET /ws/v1/node/containerlogs/{containerid}/{filename}?size=N, NMWebServices). Like the real NM,
// the file comes wrapped in a header and trailer; a positive size gives the first N bytes, a
// negative one the last N.

import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { RmContext } from './rm-context.ts';
import { queryOf } from './rm-context.ts';

export function registerNodeRoutes(app: FastifyInstance, ctx: RmContext): void {
  app.get('/ws/v1/node/containerlogs/:containerId/:file', async (req, reply) => {
    const { containerId, file } = req.params as { containerId: string; file: string };
    const dir = containerDir(ctx, containerId);
    const notFound = () => reply.code(404).type('text/plain').send('Cannot find this log on the local disk.');
    if (!dir || file.includes('/') || file.startsWith('.')) return notFound();
    let content: Buffer;
    let modified: Date;
    try {
      content = await readFile(join(dir, file));
      modified = (await stat(join(dir, file))).mtime;
    } catch {
      return notFound();
    }
    const size = Number(queryOf(req.url).get('size') ?? NaN);
    const full = content.length;
    if (Number.isInteger(size) && size !== 0) content = size > 0 ? content.subarray(0, size) : content.subarray(Math.max(0, full + size));
    const header = `Container: ${containerId} on ${new URL(ctx.url()).host}\nLogAggregationType: LOCAL\n${'='.repeat(48)}\n`
      + `LogType:${file}\nLogLastModifiedTime:${modified.toUTCString()}\nLogLength:${full}\nLogContents:\n`;
    const trailer = `End of LogType:${file}.\n${'*'.repeat(80)}\n\n`;
    return reply.type('text/plain; charset=utf-8').send(Buffer.concat([Buffer.from(header), content, Buffer.from(trailer)]));
  });
}

function containerDir(ctx: RmContext, containerId: string): string | null {
  for (const a of ctx.registry.all()) {
    if (a.amContainerId === containerId && a.appDir) return join(a.appDir, containerId);
    const c = a.containers.find((x) => x.containerId === containerId);
    if (c) return c.dir;
  }
  return null;
}
