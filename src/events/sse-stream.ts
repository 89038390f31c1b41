// One client's Server-Sent Events response: the frame format, heartbeats, and a bound on what
// may wait in memory for a client that doesn't read. Node keeps writing into the response's
// buffer after write() returns false; past `maxBufferedBytes` the client is cut off (it resumes
// with Last-Event-ID), so one slow client can never grow the API's memory without bound.

import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';

export interface SseFrame {
  /** The SSE id (a stream id); none for frames that are not stream entries (job.snapshot). */
  id?: string;
  type: string;
}

export interface SseStreamOptions {
  maxBufferedBytes: number;
  heartbeatMs: number;
  log: Pick<Logger, 'warn'>;
}

export type SseEndReason = 'done' | 'client-gone' | 'slow-client' | 'closing' | 'failed';

// The hub hands the same event object to every client: serialize it once, not once per client.
const formatted = new WeakMap<SseFrame, string>();

function formatFrame(frame: SseFrame): string {
  let text = formatted.get(frame);
  if (text === undefined) {
    text = `${frame.id ? `id: ${frame.id}\n` : ''}event: ${frame.type}\ndata: ${JSON.stringify(frame)}\n\n`;
    formatted.set(frame, text);
  }
  return text;
}

export class SseStream {
  private ended = false;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly closeListeners: ((reason: SseEndReason) => void)[] = [];
  private endReason: SseEndReason = 'client-gone';

  constructor(private readonly res: ServerResponse, private readonly opts: SseStreamOptions) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.on('close', () => this.finish());
    this.heartbeat = setInterval(() => this.write(': heartbeat\n\n'), opts.heartbeatMs);
    this.write(': connected\n\n');
  }

  get closed(): boolean {
    return this.ended;
  }

  onClose(listener: (reason: SseEndReason) => void): void {
    if (this.ended) listener(this.endReason);
    else this.closeListeners.push(listener);
  }

  /** Writes one event; false once the stream has ended. */
  send(frame: SseFrame): boolean {
    return this.write(formatFrame(frame));
  }

  /** Resolves when what was written has left the buffer (or the stream ended): replay pacing. */
  async drained(): Promise<void> {
    if (this.ended || !this.res.writableNeedDrain) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }

  /** Ends the response normally (what was written is still delivered). */
  end(reason: SseEndReason = 'done'): void {
    if (this.ended) return;
    this.endReason = reason;
    this.res.end();
    this.finish();
  }

  private write(text: string): boolean {
    if (this.ended) return false;
    this.res.write(text);
    if (this.res.writableLength > this.opts.maxBufferedBytes) {
      this.opts.log.warn({ bufferedBytes: this.res.writableLength, limit: this.opts.maxBufferedBytes }, 'SSE client reads too slowly; stream ended (it resumes with Last-Event-ID)');
      this.endReason = 'slow-client';
      // destroy, not end: end() would keep the unread buffer until the client reads it.
      this.res.destroy();
      this.finish();
      return false;
    }
    return true;
  }

  private finish(): void {
    if (this.ended) {
      clearInterval(this.heartbeat);
      return;
    }
    this.ended = true;
    clearInterval(this.heartbeat);
    for (const l of this.closeListeners.splice(0)) l(this.endReason);
  }
}
