// The API's side of job logs: asks the job's region worker over Redis and waits for its reply.

import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { logReplyKey, logRequestsKey, type LogFile, type LogReply } from './log-protocol.ts';

export class LogClient {
  constructor(private readonly redis: Redis, private readonly ns: string, private readonly timeoutSeconds = 10) {}

  /** null when the region's worker did not answer in time (it is down or busy). */
  async read(region: string, jobId: string, file: LogFile, offset: number): Promise<LogReply | null> {
    const replyTo = logReplyKey(this.ns, randomUUID());
    await this.redis.rpush(logRequestsKey(this.ns, region), JSON.stringify({ replyTo, jobId, file, offset, deadline: Date.now() + this.timeoutSeconds * 1000 }));
    // BLPOP holds its connection: use a short-lived duplicate so the shared one stays free.
    const waiter = this.redis.duplicate();
    try {
      const reply = await waiter.blpop(replyTo, this.timeoutSeconds);
      return reply ? (JSON.parse(reply[1]) as LogReply) : null;
    } finally {
      waiter.disconnect();
    }
  }
}
