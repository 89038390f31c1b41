// Server-Sent Events: one job's events (ending after its terminal event) and all events. Both
// resume after Last-Event-ID, the Redis stream id of the last event the client saw. Live events
// come from the process's one EventHub; history from XRANGE on the shared command connection.
//
// Answers (README, "Watching jobs"):
// - a job's stream replays its events and ends after the terminal one;
// - resumed at (or after) the terminal event: 204, nothing more will come (and 204 is what tells
//   a browser's EventSource to stop reconnecting);
// - a finished job whose own stream expired: one `job.snapshot` event with the job, then the end;
// - a Last-Event-ID that is not a stream id, or lies beyond the stream's last event: 400
//   INVALID_LAST_EVENT_ID (a 200 that ends at once would make an EventSource loop);
// - more than http.maxEventStreams open streams: 429 TOO_MANY_STREAMS with Retry-After.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  compareStreamIds, isAdminEvent, isStreamId, lastStreamId, SseStream, StreamSlots, streamEvents,
  type HubTopic, type SluiceEvent,
} from '../../events/index.ts';
import { isTerminal, parseJobState } from '../../jobs/index.ts';
import { toJobView, type JobRecord } from '../../store/index.ts';
import type { ApiDeps } from '../api-deps.ts';
import { ApiError } from '../api-error.ts';
import { mayUseRegion } from '../auth.ts';
import { allEventsSchema, jobEventsSchema } from './stream-schemas.ts';

const HEARTBEAT_MS = 15_000;
/**
 * What may wait in memory for one client that doesn't read; beyond it the stream is ended. Well
 * above one hub batch (100 events of a few hundred bytes), so a burst never cuts a reading client.
 */
export const SSE_MAX_BUFFERED_BYTES = 1024 * 1024;
const RETRY_AFTER_SECONDS = 5;

export function eventRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const slots = new StreamSlots(deps.config.http.maxEventStreams);
  const streams = new Set<SseStream>();
  // Open streams would keep app.close() waiting for their clients: end them first.
  app.addHook('preClose', (done) => {
    for (const s of streams) s.end('closing');
    done();
  });
  const ctx: EventRoutesCtx = { deps, slots, streams };

  app.get('/v1/jobs/:id/events', { schema: jobEventsSchema }, (request, reply) => jobEvents(ctx, request, reply));
  app.get('/v1/events', { schema: allEventsSchema }, (request, reply) => allEvents(ctx, request, reply));
}

export interface EventRoutesCtx {
  deps: ApiDeps;
  slots: StreamSlots;
  streams: Set<SseStream>;
}

export async function jobEvents(ctx: EventRoutesCtx, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const { deps } = ctx;
  const { id } = request.params as { id: string };
  const job = /^job_[0-9A-Z]{26}$/.test(id) ? await deps.store.get(id) : null;
  if (!job || !mayUseRegion(request.principal!, job.region)) throw new ApiError('JOB_NOT_FOUND', `no job ${id}`);
  const after = lastEventId(request);
  const key = deps.store.keys.jobEvents(id);
  const last = await lastStreamId(deps.redis, key);
  // An expired stream leaves the global stream's end as the bound: an id past it is from nowhere.
  checkNotBeyond(after, last ?? await lastStreamId(deps.redis, deps.store.keys.events));
  const terminal = isTerminal(job.state);
  if (terminal && after && last && compareStreamIds(after, last) >= 0) {
    return reply.status(204).send();
  }
  const sse = openStream(ctx, request, reply);
  if (!sse) return;
  if (terminal && !last) {
    sse.send(snapshot(job));
    sse.end('done');
    return;
  }
  const isLast = (e: SluiceEvent) => e.type === 'job.state_changed' && isTerminal(parseJobState(e.to));
  await follow(ctx, request, sse, { jobId: id }, key, after, true, isLast, () => true);
}

export async function allEvents(ctx: EventRoutesCtx, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const { deps } = ctx;
  const { region } = request.query as { region?: string };
  if (region && !deps.regions.has(region)) throw new ApiError('UNKNOWN_REGION', `no region "${region}"`);
  if (region && !mayUseRegion(request.principal!, region)) throw new ApiError('FORBIDDEN_REGION', `principal ${request.principal!.name} may not use region ${region}`);
  const after = lastEventId(request);
  if (after) checkNotBeyond(after, await lastStreamId(deps.redis, deps.store.keys.events));
  const sse = openStream(ctx, request, reply);
  if (!sse) return;
  // Webhook events name no region: admins see them, in the unfiltered stream only.
  const visible = (e: SluiceEvent) => (isAdminEvent(e)
    ? !region && request.principal!.admin
    : region ? e.region === region : mayUseRegion(request.principal!, e.region));
  await follow(ctx, request, sse, 'all', deps.store.keys.events, after, false, () => false, visible);
}

/** The Last-Event-ID header: absent or empty is null; anything but a stream id is a 400. */
function lastEventId(request: FastifyRequest): string | null {
  const header = request.headers['last-event-id'];
  const id = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!id) return null;
  if (!isStreamId(id)) throw new ApiError('INVALID_LAST_EVENT_ID', `Last-Event-ID "${id.slice(0, 64)}" is not an event id (<ms>-<seq>)`);
  return id;
}

function checkNotBeyond(after: string | null, last: string | null): void {
  if (after && (!last || compareStreamIds(after, last) > 0)) {
    throw new ApiError('INVALID_LAST_EVENT_ID', `Last-Event-ID ${after} is beyond the stream's last event (${last ?? 'none'})`);
  }
}

/** Takes a slot and starts the 200 response; null when the cap is reached (429 sent). */
function openStream(ctx: EventRoutesCtx, request: FastifyRequest, reply: FastifyReply): SseStream | null {
  const release = ctx.slots.take();
  if (!release) {
    const e = new ApiError('TOO_MANY_STREAMS', `this API process serves at most ${ctx.slots.limit} event streams; retry later`);
    void reply.status(e.status).header('retry-after', String(RETRY_AFTER_SECONDS)).send(e.toBody());
    return null;
  }
  reply.hijack();
  const sse = new SseStream(reply.raw, { maxBufferedBytes: SSE_MAX_BUFFERED_BYTES, heartbeatMs: HEARTBEAT_MS, log: request.log });
  ctx.streams.add(sse);
  sse.onClose(() => {
    ctx.streams.delete(sse);
    release();
  });
  return sse;
}

function follow(
  ctx: EventRoutesCtx, request: FastifyRequest, sse: SseStream, topic: HubTopic, stream: string, after: string | null,
  replayAll: boolean, isLast: (e: SluiceEvent) => boolean, visible: (e: SluiceEvent) => boolean,
): Promise<void> {
  return streamEvents({
    sse, hub: ctx.deps.events, redis: ctx.deps.redis, topic, stream, replayAfter: after, replayAll, isLast, visible, log: request.log,
  });
}

/** A finished job whose event stream has expired: its final state instead of its history. */
function snapshot(job: JobRecord) {
  return { type: 'job.snapshot', jobId: job.id, region: job.region, state: job.state, at: job.finishedAt ?? job.updatedAt, job: toJobView(job) };
}
