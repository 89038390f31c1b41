// The API's side of job logs: asks the job's region worker over Redis and waits for its reply.
// One subscriber connection per API process carries every reply notification (a connection per
// read made every follow poll open and close one); requests go over the shared command connection.

import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { logReplyChannel, logReplyKey, logRequestsKey, type LogFile, type LogReply, type LogRequest } from './log-protocol.ts';

export interface LogClientOptions {
  /** Shared command connection: requests, and fetching replies. */
  redis: Redis;
  /** This client's own connection, in subscriber mode (made with lazyConnect; closed by close()). */
  subscriber: Redis;
  ns: string;
  log: Logger;
  timeoutSeconds?: number;
}

export class LogClient {
  readonly channel: string;
  private readonly waiting = new Map<string, (answered: boolean) => void>();
  private subscribed: Promise<unknown> | null = null;
  private closed = false;

  constructor(private readonly opts: LogClientOptions) {
    this.channel = logReplyChannel(opts.ns, randomUUID());
    opts.subscriber.on('message', (channel: string, requestId: string) => {
      if (channel === this.channel) this.waiting.get(requestId)?.(true);
    });
  }

  /** null when the region's worker did not answer in time (it is down or busy). */
  async read(region: string, jobId: string, file: LogFile, offset: number, applicationId?: string): Promise<LogReply | null> {
    if (this.closed) return null;
    const { redis, ns } = this.opts;
    const timeoutMs = (this.opts.timeoutSeconds ?? 10) * 1000;
    const requestId = randomUUID();
    let timer: NodeJS.Timeout | undefined;
    const notified = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiting.set(requestId, resolve);
    });
    try {
      // Subscribed before asking: a reply published before SUBSCRIBE would be missed.
      if (!(await Promise.race([this.subscribe().then(() => true), notified])) || this.closed) return null;
      const request: LogRequest = { requestId, replyTo: this.channel, jobId, file, offset, deadline: Date.now() + timeoutMs, ...(applicationId ? { applicationId } : {}) };
      await redis.rpush(logRequestsKey(ns, region), JSON.stringify(request));
      if (!(await notified) && this.closed) return null;
      // Also after a timeout: a notification lost in a reconnect leaves the reply in its key.
      const raw = await redis.lpop(logReplyKey(ns, requestId));
      return raw ? (JSON.parse(raw) as LogReply) : null;
    } finally {
      clearTimeout(timer);
      this.waiting.delete(requestId);
    }
  }

  /** Wakes every waiting read (they answer null) and drops the subscriber connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const wake of this.waiting.values()) wake(false);
    this.opts.subscriber.disconnect();
  }

  private subscribe(): Promise<unknown> {
    // ioredis re-subscribes by itself after a reconnect; a failed first SUBSCRIBE is retried.
    this.subscribed ??= this.opts.subscriber.subscribe(this.channel).catch((err: unknown) => {
      this.subscribed = null;
      if (!this.closed) this.opts.log.warn({ err }, 'log reply channel: subscribe failed');
      throw err;
    });
    return this.subscribed;
  }
}
