// Server-Sent Events, parsed as the WHATWG HTML standard says ("Event stream interpretation"):
// lines end in CRLF, LF or CR; `:` starts a comment; `data` lines join with "\n"; a blank line
// dispatches; `id` sets the last event id (kept across events, ignored if it holds NUL); a block
// without data dispatches nothing. Fed text as it arrives, in pieces of any size.

export interface SseMessage {
  /** The last event id in force when this message was dispatched ('' when none was ever set). */
  id: string;
  /** The `event:` field; 'message' when absent. */
  event: string;
  data: string;
}

export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private lastEventId: string;
  private sawCr = false;
  private first = true;
  /** The `retry:` field's last value, in ms. */
  retryMs: number | undefined;

  constructor(lastEventId = '') {
    this.lastEventId = lastEventId;
  }

  /** Feeds decoded text; returns the messages it completes. */
  feed(text: string): SseMessage[] {
    if (this.first && text.length) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const out: SseMessage[] = [];
    let start = 0;
    this.buffer += text;
    const buf = this.buffer;
    for (let i = 0; i < buf.length; i++) {
      const c = buf.charCodeAt(i);
      if (c === 0x0a && this.sawCr) {
        // The LF of a CRLF whose CR ended the line already.
        this.sawCr = false;
        start = i + 1;
        continue;
      }
      this.sawCr = false;
      if (c !== 0x0a && c !== 0x0d) continue;
      this.sawCr = c === 0x0d;
      const message = this.line(buf.slice(start, i));
      if (message) out.push(message);
      start = i + 1;
    }
    this.buffer = buf.slice(start);
    return out;
  }

  private line(line: string): SseMessage | null {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data': this.data.push(value); break;
      case 'event': this.event = value; break;
      case 'id': if (!value.includes('\0')) this.lastEventId = value; break;
      case 'retry': if (/^\d+$/.test(value)) this.retryMs = Number(value); break;
      default: break; // unknown fields are ignored
    }
    return null;
  }

  private dispatch(): SseMessage | null {
    const data = this.data;
    const event = this.event;
    this.data = [];
    this.event = '';
    if (!data.length) return null;
    return { id: this.lastEventId, event: event || 'message', data: data.join('\n') };
  }
}
