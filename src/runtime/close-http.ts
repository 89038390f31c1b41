// Closing the HTTP server: no new connections, in-flight requests get graceMs to finish; then every
// connection still open (an SSE stream, a log follow) is cut, so a watcher can't hold the stop.

import type { FastifyInstance } from 'fastify';

export const DEFAULT_HTTP_GRACE_MS = 2000;

export async function closeHttp(app: FastifyInstance, graceMs = DEFAULT_HTTP_GRACE_MS): Promise<void> {
  const closed = app.close();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), graceMs); });
  const outcome = await Promise.race([closed.then(() => 'closed' as const), late]);
  clearTimeout(timer);
  if (outcome === 'late') app.server.closeAllConnections();
  await closed;
}
