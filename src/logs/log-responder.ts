// The worker's side of job logs: takes log requests for its region from Redis, reads the job
// container's file from the NodeManager through the region's routing, replies. A request is
// checked before anything is done with it (src/logs/log-protocol.ts): the reply goes only to a
// key this side derives and a channel of the namespace's reply pattern; anything else is logged
// once and skipped.

import type { Redis } from 'ioredis';
import type { Dispatcher } from 'undici';
import { notTheJobsApplication } from '../jobs/index.ts';
import type { RegionContext } from '../queue/region-context.ts';
import { amContainerOf, findJobContainer, readContainerLog } from '../yarn/container-logs.ts';
import { YarnError } from '../yarn/errors.ts';
import { FINISHED_APP_STATES } from '../yarn/resource-manager.ts';
import { LOG_REPLY_TTL_SECONDS, logReplyKey, logRequestsKey, parseLogRequest, type LogReply, type LogRequest } from './log-protocol.ts';

const CLOSE_WAIT_MS = 3000;

export class LogResponder {
  private closed = false;
  private loop: Promise<void> | null = null;

  /** `redis` is this responder's own connection: BLPOP holds it. */
  constructor(private readonly ctx: RegionContext, private readonly redis: Redis, private readonly dispatcher: Dispatcher) {}

  start(): void {
    const key = logRequestsKey(this.ctx.store.keys.ns, this.ctx.region.name);
    this.loop = (async () => {
      while (!this.closed) {
        const popped = await this.redis.blpop(key, 1).catch((err) => {
          if (!this.closed) this.ctx.log.error({ err }, 'log request read failed');
          return null;
        });
        if (!popped) continue;
        // One bad request, or one failed answer, must never stop the loop: later ones still count.
        await this.handle(popped[1]).catch((err) => this.ctx.log.error({ err }, 'log request failed'));
      }
    })();
  }

  /** Waits for the request in hand, but not for a BLPOP stuck on a dead Redis. */
  async close(): Promise<void> {
    this.closed = true;
    if (!this.loop) return;
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      this.loop.then(() => true),
      new Promise<boolean>((r) => { timer = setTimeout(() => r(false), CLOSE_WAIT_MS); }),
    ]);
    clearTimeout(timer);
    if (!finished) this.redis.disconnect();
  }

  private async handle(raw: string): Promise<void> {
    const { ctx } = this;
    const parsed = parseLogRequest(raw, ctx.store.keys.ns);
    if (!parsed.ok) {
      ctx.log.warn({ reason: parsed.reason, bytes: raw.length }, 'log request skipped');
      return;
    }
    const req = parsed.request;
    if (req.deadline < Date.now()) return;
    const reply = await this.answer(req);
    const replyKey = logReplyKey(ctx.store.keys.ns, req.requestId);
    await this.redis.multi()
      .rpush(replyKey, JSON.stringify(reply)).expire(replyKey, LOG_REPLY_TTL_SECONDS)
      .publish(req.replyTo, req.requestId)
      .exec();
  }

  private async answer(req: LogRequest): Promise<LogReply> {
    const { ctx } = this;
    const job = await ctx.store.get(req.jobId);
    // A job of another region is not this worker's to read (its application is on another RM).
    if (!job?.applicationId || job.region !== ctx.region.name) return { ok: false, code: 'NO_APPLICATION', message: `job ${req.jobId} has no YARN application yet` };
    // Checked here too: a request comes from Redis, not only from this deployment's API.
    const child = req.applicationId && req.applicationId !== job.applicationId ? req.applicationId : null;
    const notTheJobs = child ? notTheJobsApplication(job, child) : null;
    if (notTheJobs) return { ok: false, code: 'LOGS_NOT_FOUND', message: notTheJobs };
    try {
      const app = await ctx.rm.getApplication(child ?? job.applicationId);
      const access = { dispatcher: this.dispatcher, user: ctx.region.yarn.user };
      // The job's own application: the container its DS AM launched. A child: its AM container.
      const container = child ? amContainerOf(app) : await findJobContainer(app, access);
      // No AM container yet: the job's container doesn't exist either; nothing to show so far.
      if (!container) return { ok: true, text: '', nextOffset: req.offset };
      const log = await readContainerLog({ ...access, container, file: req.file, tailBytes: 64 * 1024 * 1024 })
        .catch((err: unknown) => {
          // Not started yet while the app runs: empty so far. After the end: gone.
          if (err instanceof YarnError && err.code === 'LOG_NOT_FOUND' && !FINISHED_APP_STATES.includes(app.state)) return '';
          throw err;
        });
      const bytes = Buffer.from(log);
      return { ok: true, text: bytes.subarray(Math.min(req.offset, bytes.length)).toString(), nextOffset: Math.max(bytes.length, req.offset) };
    } catch (err) {
      const code = err instanceof YarnError && err.code === 'LOG_NOT_FOUND' ? 'LOGS_NOT_FOUND' : 'YARN_ERROR';
      return { ok: false, code, message: `region ${ctx.region.name}: ${(err as Error).message}` };
    }
  }
}
