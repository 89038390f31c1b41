// Follows the API's event stream (GET /v1/events?region=R, Server-Sent Events) and stamps each
// job.state_changed event with the time it was received here.

import { request } from 'undici';

export interface StateChange {
  jobId: string;
  to: string;
  receivedAt: number;
}

export interface SseWatch {
  /** Resolves once the stream is open (the API has subscribed for us). */
  opened: Promise<void>;
  changes: StateChange[];
  close(): void;
}

export function watchEvents(apiUrl: string, token: string, region: string): SseWatch {
  const abort = new AbortController();
  const changes: StateChange[] = [];
  const opened = (async () => {
    const res = await request(`${apiUrl}/v1/events?region=${encodeURIComponent(region)}`, {
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: abort.signal,
    });
    if (res.statusCode !== 200) throw new Error(`bench: the event stream answered ${res.statusCode}: ${await res.body.text()}`);
    res.body.setEncoding('utf8');
    let buf = '';
    res.body.on('data', (chunk: string) => {
      const receivedAt = Date.now();
      buf += chunk;
      let end: number;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        const data = block.split('\n').find((l) => l.startsWith('data: '));
        if (!data) continue;
        const e = JSON.parse(data.slice(6)) as { type: string; jobId?: string; to?: string };
        if (e.type === 'job.state_changed' && e.jobId && e.to) changes.push({ jobId: e.jobId, to: e.to, receivedAt });
      }
    });
    res.body.on('error', () => {}); // closed by us
  })();
  opened.catch(() => {});
  return { opened, changes, close: () => abort.abort() };
}
