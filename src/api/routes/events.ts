// Server-Sent Events: one job's events (ending after its terminal event) and all events. Both
// resume after Last-Event-ID, which is the Redis stream id of the last event the client saw.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { followEvents, type SluiceEvent } from '../../events/index.ts';
import { isTerminal, parseJobState } from '../../jobs/index.ts';
import type { ApiDeps } from '../api-deps.ts';
import { ApiError } from '../api-error.ts';
import { mayUseRegion } from '../auth.ts';

const STREAM_ID = /^\d+-\d+$/;
const HEARTBEAT_MS = 15_000;

export function eventRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/v1/jobs/:id/events', async (request, reply) => {
    const { id } = request.params as { id: string };
    const job = /^job_[0-9A-Z]{26}$/.test(id) ? await deps.store.get(id) : null;
    if (!job || !mayUseRegion(request.principal!, job.region)) throw new ApiError('JOB_NOT_FOUND', `no job ${id}`);
    await stream(request, reply, deps, deps.store.keys.jobEvents(id), lastEventId(request, '0'), (e) => e.type === 'job.state_changed' && isTerminal(parseJobState(e.to)));
  });

  app.get('/v1/events', async (request, reply) => {
    const { region } = request.query as { region?: string };
    if (region && !deps.regions.has(region)) throw new ApiError('UNKNOWN_REGION', `no region "${region}"`);
    if (region && !mayUseRegion(request.principal!, region)) throw new ApiError('FORBIDDEN_REGION', `principal ${request.principal!.name} may not use region ${region}`);
    const visible = (e: SluiceEvent) => (region ? e.region === region : mayUseRegion(request.principal!, e.region));
    await stream(request, reply, deps, deps.store.keys.events, lastEventId(request, '$'), () => false, visible);
  });
}

function lastEventId(request: FastifyRequest, fallback: string): string {
  const header = request.headers['last-event-id'];
  const id = Array.isArray(header) ? header[0] : header;
  return id && STREAM_ID.test(id) ? id : fallback;
}

async function stream(
  request: FastifyRequest, reply: FastifyReply, deps: ApiDeps, key: string, after: string,
  isLast: (e: SluiceEvent) => boolean, visible: (e: SluiceEvent) => boolean = () => true,
): Promise<void> {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  res.write(': connected\n\n');
  const abort = new AbortController();
  request.raw.on('close', () => abort.abort());
  const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
  // XREAD BLOCK holds its connection, so every stream gets its own.
  const redis = deps.redis.duplicate();
  try {
    for await (const e of followEvents(redis, key, after, abort.signal)) {
      if (visible(e)) res.write(`id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
      if (isLast(e)) break;
    }
  } catch (err) {
    if (!abort.signal.aborted) request.log.error({ err }, 'event stream failed');
  } finally {
    clearInterval(heartbeat);
    redis.disconnect();
    res.end();
  }
}
