// The client's SSE parser, against the cases of the WHATWG event-stream format that a stream cut
// into arbitrary pieces produces: split lines, CRLF split across chunks, comments, multi-line data,
// an id that carries over, a block without data.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SseParser, type SseMessage } from '../../src/client/sse-parser.ts';

const STREAM = ': connected\n\nid: 1-0\nevent: job.state_changed\ndata: {"to":"QUEUED"}\n\n: heartbeat\n\nid: 2-0\nevent: job.state_changed\ndata: {"to":"RUNNING"}\n\n';
const EXPECTED: SseMessage[] = [
  { id: '1-0', event: 'job.state_changed', data: '{"to":"QUEUED"}' },
  { id: '2-0', event: 'job.state_changed', data: '{"to":"RUNNING"}' },
];

test('whole, and cut at every position: the same messages', () => {
  assert.deepEqual(new SseParser().feed(STREAM), EXPECTED);
  for (let cut = 0; cut <= STREAM.length; cut++) {
    const p = new SseParser();
    assert.deepEqual([...p.feed(STREAM.slice(0, cut)), ...p.feed(STREAM.slice(cut))], EXPECTED, `cut at ${cut}`);
  }
  const p = new SseParser();
  assert.deepEqual([...STREAM].flatMap((c) => p.feed(c)), EXPECTED, 'one character at a time');
});

test('CRLF and CR line ends, a CRLF split between two chunks', () => {
  const crlf = STREAM.replace(/\n/g, '\r\n');
  for (let cut = 0; cut <= crlf.length; cut++) {
    const p = new SseParser();
    assert.deepEqual([...p.feed(crlf.slice(0, cut)), ...p.feed(crlf.slice(cut))], EXPECTED, `CRLF cut at ${cut}`);
  }
  assert.deepEqual(new SseParser().feed(STREAM.replace(/\n/g, '\r')), EXPECTED);
});

test('data lines join with a newline; one leading space is dropped, the rest kept; no colon is an empty value', () => {
  assert.deepEqual(new SseParser().feed('data:a\ndata:  b\ndata\n\n'), [{ id: '', event: 'message', data: 'a\n b\n' }]);
});

test('the id carries over to later messages, a NUL id is ignored, a block without data dispatches nothing', () => {
  const p = new SseParser('0-1');
  assert.deepEqual(p.feed('data: x\n\nid: 5-0\n\nid: bad\0id\ndata: y\n\nevent: e\n\n'), [
    { id: '0-1', event: 'message', data: 'x' },
    { id: '5-0', event: 'message', data: 'y' },
  ]);
});

test('a leading BOM is dropped; an unfinished message waits for its blank line; retry is read', () => {
  const p = new SseParser();
  assert.deepEqual(p.feed('\uFEFFretry: 1500\ndata: 1\n'), []);
  assert.equal(p.retryMs, 1500);
  assert.deepEqual(p.feed('\n'), [{ id: '', event: 'message', data: '1' }]);
});
