// Reads Server-Sent Events from a URL until `stop` says so or the server ends the stream.

export interface SseEvent { id: string; event: string; data: any }

export interface SseOptions {
  token: string;
  lastEventId?: string;
  stop?: (e: SseEvent) => boolean;
  timeoutMs?: number;
  /** Called once the 200 response has arrived (the server is subscribed for the client by then). */
  onOpen?: () => void;
}

export interface SseResult {
  status: number;
  headers: Headers;
  events: SseEvent[];
  /** The server ended the stream (rather than `stop` or an error status ending the read). */
  ended: boolean;
  /** The error body when the status is not 200. */
  body?: any;
}

/** The events of a 200 stream; a 204 (nothing more will come) is no events; any other status throws. */
export async function readSse(url: string, opts: SseOptions): Promise<SseEvent[]> {
  const res = await readSseResponse(url, opts);
  if (res.status !== 200 && res.status !== 204) throw new Error(`SSE ${url}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return res.events;
}

export async function readSseResponse(url: string, opts: SseOptions): Promise<SseResult> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), opts.timeoutMs ?? 20_000);
  const headers: Record<string, string> = { authorization: `Bearer ${opts.token}` };
  if (opts.lastEventId !== undefined) headers['last-event-id'] = opts.lastEventId;
  const events: SseEvent[] = [];
  try {
    const res = await fetch(url, { headers, signal: abort.signal });
    if (res.status !== 200) {
      const text = await res.text();
      let body: unknown = text;
      try { body = JSON.parse(text); } catch { /* not JSON */ }
      return { status: res.status, headers: res.headers, events, ended: true, body };
    }
    opts.onOpen?.();
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields: Record<string, string> = {};
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue;
          const i = line.indexOf(':');
          if (i > 0) fields[line.slice(0, i)] = line.slice(i + 1).trimStart();
        }
        if (!fields.data) continue;
        const e = { id: fields.id ?? '', event: fields.event ?? 'message', data: JSON.parse(fields.data) };
        events.push(e);
        if (opts.stop?.(e)) return { status: 200, headers: res.headers, events, ended: false };
      }
    }
    return { status: 200, headers: res.headers, events, ended: true };
  } catch (err) {
    if (abort.signal.aborted) throw new Error(`SSE ${url}: timed out; got ${JSON.stringify(events.map((e) => e.data.to ?? e.event))}`);
    throw err;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}
