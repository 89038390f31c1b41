// Reads Server-Sent Events from a URL until `stop` says so or the server ends the stream.

export interface SseEvent { id: string; event: string; data: any }

export async function readSse(url: string, opts: { token: string; lastEventId?: string; stop?: (e: SseEvent) => boolean; timeoutMs?: number }): Promise<SseEvent[]> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), opts.timeoutMs ?? 20_000);
  const headers: Record<string, string> = { authorization: `Bearer ${opts.token}` };
  if (opts.lastEventId) headers['last-event-id'] = opts.lastEventId;
  const events: SseEvent[] = [];
  try {
    const res = await fetch(url, { headers, signal: abort.signal });
    if (res.status !== 200) throw new Error(`SSE ${url}: HTTP ${res.status} ${await res.text()}`);
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
        if (opts.stop?.(e)) return events;
      }
    }
    return events;
  } catch (err) {
    if (abort.signal.aborted) throw new Error(`SSE ${url}: timed out; got ${JSON.stringify(events.map((e) => e.data.to ?? e.event))}`);
    throw err;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}
