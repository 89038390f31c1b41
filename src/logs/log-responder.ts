// The worker's side of job logs: takes log requests for its region from Redis, reads the job
// container's file from the NodeManager through the region's routing, replies.

import type { Redis } from 'ioredis';
import type { Dispatcher } from 'undici';
import type { RegionContext } from '../queue/region-context.ts';
import { findJobContainer, readContainerLog } from '../yarn/container-logs.ts';
import { YarnError } from '../yarn/errors.ts';
import { LOG_REPLY_TTL_SECONDS, logRequest, logRequestsKey, type LogReply, type LogRequest } from './log-protocol.ts';

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
        const parsed = logRequest.safeParse(JSON.parse(popped[1]));
        if (!parsed.success || parsed.data.deadline < Date.now()) continue;
        const reply = await this.answer(parsed.data);
        await this.redis.multi().rpush(parsed.data.replyTo, JSON.stringify(reply)).expire(parsed.data.replyTo, LOG_REPLY_TTL_SECONDS).exec();
      }
    })();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.loop;
  }

  private async answer(req: LogRequest): Promise<LogReply> {
    const { ctx } = this;
    const job = await ctx.store.get(req.jobId);
    if (!job?.applicationId) return { ok: false, code: 'NO_APPLICATION', message: `job ${req.jobId} has no YARN application yet` };
    try {
      const app = await ctx.rm.getApplication(job.applicationId);
      const access = { dispatcher: this.dispatcher, user: ctx.region.yarn.user };
      const container = await findJobContainer(app, access);
      // No AM container yet: the job's container doesn't exist either; nothing to show so far.
      if (!container) return { ok: true, text: '', nextOffset: req.offset };
      const log = await readContainerLog({ ...access, container, file: req.file, tailBytes: 64 * 1024 * 1024 })
        .catch((err: unknown) => {
          // Not started yet while the app runs: empty so far. After the end: gone.
          if (err instanceof YarnError && err.code === 'LOG_NOT_FOUND' && !['FINISHED', 'FAILED', 'KILLED'].includes(app.state)) return '';
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
