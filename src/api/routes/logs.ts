// GET /v1/jobs/{id}/logs?file=stdout|stderr&follow=true[&application=<child id>]: the job container's
// output, or that of one of the job's child applications (its AM container: a Spark driver's).
// The API never talks to YARN: the region's worker reads the NodeManager and answers over Redis
// (src/logs).

import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { abortableDelay, StreamSlots } from '../../events/index.ts';
import { isTerminal, notTheJobsApplication } from '../../jobs/index.ts';
import { APPLICATION_ID, LOG_FILES, type LogFile, type LogReply } from '../../logs/log-protocol.ts';
import type { ApiDeps } from '../api-deps.ts';
import { ApiError } from '../api-error.ts';
import { mayUseRegion } from '../auth.ts';
import { logsSchema } from './stream-schemas.ts';

const query = z.strictObject({
  file: z.enum(LOG_FILES).default('stdout'),
  follow: z.enum(['true', 'false', '1', '0']).default('false').transform((v) => v === 'true' || v === '1'),
  /** One of the job's child applications (see the job's childApplications): its AM container's file. */
  application: z.string().regex(APPLICATION_ID, 'must be a YARN application id (application_<timestamp>_<n>)').optional(),
});
const FOLLOW_POLL_MS = 1000;

export function logRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const follows = new Set<AbortController>();
  const followSlots = new StreamSlots(deps.config.http.maxEventStreams);
  // A follow lasts as long as its job: stop them all before app.close() waits for their sockets.
  app.addHook('preClose', (done) => {
    for (const f of follows) f.abort();
    done();
  });

  app.get('/v1/jobs/:id/logs', { schema: logsSchema(query) }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const q = query.safeParse(request.query);
    if (!q.success) throw new ApiError('INVALID_REQUEST', 'invalid query', q.error.issues.map((i) => ({ path: ['query', ...i.path.map(String)], message: i.message })));
    const job = /^job_[0-9A-Z]{26}$/.test(id) ? await deps.store.get(id) : null;
    if (!job || !mayUseRegion(request.principal!, job.region)) throw new ApiError('JOB_NOT_FOUND', `no job ${id}`);
    const notTheJobs = q.data.application ? notTheJobsApplication(job, q.data.application) : null;
    if (notTheJobs) throw new ApiError('LOGS_NOT_FOUND', notTheJobs);

    if (!q.data.follow) {
      const first = answer(await deps.logs.read(job.region, id, q.data.file, 0, q.data.application), job.region);
      return reply.type('text/plain; charset=utf-8').send(first.text);
    }
    // Follows hold a response open like event streams do: capped the same way.
    const release = followSlots.take();
    if (!release) {
      void reply.header('retry-after', '5');
      throw new ApiError('TOO_MANY_STREAMS', `this API process follows at most ${followSlots.limit} logs at once; retry later`);
    }
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
    const stop = new AbortController();
    follows.add(stop);
    res.on('close', () => stop.abort());
    // Backpressure: a client that reads slowly is not polled for more until it has taken what it got.
    const write = async (text: string) => {
      if (res.write(text)) return;
      await new Promise<void>((resolve) => {
        res.once('drain', resolve);
        res.once('close', resolve);
      });
    };
    try {
      await followLog(deps, job.region, id, { file: q.data.file, application: q.data.application }, write, stop.signal);
    } catch (err) {
      // The status is sent already: end the body; the client sees a short read and may retry.
      request.log.warn({ err, jobId: id }, 'log follow ended early');
    } finally {
      follows.delete(stop);
      release();
      res.end();
    }
  });
}

/**
 * Polls the worker for what follows the offset until the job has ended (one last read then) or
 * `signal` aborts. Every poll goes over the LogClient's one reply connection.
 */
async function followLog(
  deps: ApiDeps, region: string, id: string, what: { file: LogFile; application?: string }, write: (text: string) => Promise<void>, signal: AbortSignal,
): Promise<void> {
  let offset = 0;
  while (!signal.aborted) {
    // Read the state before the log: once terminal, one more read gets everything written.
    const job = await deps.store.get(id);
    const ended = !job || isTerminal(job.state);
    const reply = await deps.logs.read(region, id, what.file, offset, what.application);
    if (reply?.ok) {
      if (reply.text && !signal.aborted) await write(reply.text);
      offset = reply.nextOffset;
    }
    if (ended) return;
    await abortableDelay(FOLLOW_POLL_MS, signal);
  }
}

function answer(reply: LogReply | null, region: string): { text: string; nextOffset: number } {
  if (!reply) throw new ApiError('WORKER_UNAVAILABLE', `the worker of region ${region} did not answer within 10 s`);
  if (reply.ok) return reply;
  if (reply.code === 'YARN_ERROR') throw new ApiError('YARN_ERROR', reply.message);
  throw new ApiError('LOGS_NOT_FOUND', reply.message);
}
