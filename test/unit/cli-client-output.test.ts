import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatElapsed } from '../../src/cli/client/durations.ts';
import { ProgressLine, progressText, type ProgressJob } from '../../src/cli/client/progress-line.ts';
import { renderTable } from '../../src/cli/client/table.ts';

test('a table: header, columns two spaces apart, numbers right-aligned, empty as -, one line per row', () => {
  const rows = [{ id: 'a', n: 5, s: 'x\ny' }, { id: 'longer', n: 123, s: '' }];
  const text = renderTable([
    { header: 'ID', value: (r) => r.id },
    { header: 'N', value: (r) => r.n, align: 'right' },
    { header: 'TEXT', value: (r) => r.s },
  ], rows);
  assert.equal(text, [
    'ID        N  TEXT',
    'a         5  x y',
    'longer  123  -',
    '',
  ].join('\n'));
});

test('elapsed as mm:ss, h:mm:ss past an hour', () => {
  assert.deepEqual([0, 999, 61_000, 3_599_000, 3_661_000].map(formatElapsed), ['00:00', '00:00', '01:01', '59:59', '1:01:01']);
});

const job = (over: Partial<ProgressJob> = {}): ProgressJob => ({
  id: 'job_1', state: 'RUNNING', createdAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:01:05.000Z',
  application: { id: 'application_1_0001', trackingUrl: 'http://rm:8088/proxy/application_1_0001/' }, ...over,
});

function recorder(isTTY: boolean, columns = 200) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, columns, write: (t: string) => { chunks.push(t); return true; } } };
}

test('the progress text: id, state, elapsed, application, tracking URL', () => {
  assert.equal(progressText(job()), 'job_1  RUNNING     01:05  application_1_0001  http://rm:8088/proxy/application_1_0001/');
  assert.equal(progressText(job({ state: 'QUEUED', application: null })), 'job_1  QUEUED      01:05');
});

test('on a terminal: one line redrawn in place with \\r and clear-line, cut to the width, kept at the end', () => {
  const { chunks, stream } = recorder(true, 40);
  const line = new ProgressLine(stream, true);
  line.update(job({ state: 'QUEUED', application: null }));
  line.update(job());
  line.stop({ keep: true });
  assert.ok(chunks.length >= 3);
  for (const c of chunks.slice(0, -1)) {
    assert.ok(c.startsWith('\r\x1b[2K'), JSON.stringify(c));
    assert.ok(c.length - 5 <= 39, `wider than the terminal: ${JSON.stringify(c)}`);
    assert.ok(!c.includes('\n'));
  }
  assert.equal(chunks.at(-1), '\n');
});

test('not a terminal: one plain line per change, no escape codes, no redraws', () => {
  const { chunks, stream } = recorder(false);
  const line = new ProgressLine(stream, false);
  line.update(job({ state: 'QUEUED', application: null }));
  line.update(job({ state: 'QUEUED', application: null }));
  line.update(job({ state: 'ACCEPTED' }));
  line.update(job({ state: 'RUNNING' }));
  line.update(job({ state: 'RUNNING' }));
  line.stop({ keep: true });
  assert.equal(chunks.length, 3);
  assert.ok(chunks.every((c) => c.endsWith('\n') && !c.includes('\x1b') && !c.includes('\r')));
  assert.match(chunks[2]!, /^job_1 {2}RUNNING/);
});

test("a job's output is written above the line: whole lines only, the line redrawn below", () => {
  const err = recorder(true);
  const out = recorder(true);
  const line = new ProgressLine(err.stream, true);
  line.update(job());
  line.writeAbove(out.stream, 'one\ntw');
  line.writeAbove(out.stream, 'o\nthr');
  line.flushAbove(out.stream);
  line.stop({ keep: false });
  assert.deepEqual(out.chunks, ['one\n', 'two\n', 'thr\n']);
  assert.equal(err.chunks.at(-1), '\r\x1b[2K');
});
