// Redis stream ids ("<ms>-<seq>"), which are also SSE event ids: parsed strictly and compared as
// numbers (each part is 64-bit; string order is wrong as soon as the lengths differ).

const STREAM_ID = /^(\d{1,20})-(\d{1,20})$/;

export function isStreamId(value: string): boolean {
  return STREAM_ID.test(value);
}

/** <0, 0, >0 like a comparator; both must be stream ids. */
export function compareStreamIds(a: string, b: string): number {
  const [am, as] = split(a);
  const [bm, bs] = split(b);
  if (am !== bm) return am < bm ? -1 : 1;
  if (as !== bs) return as < bs ? -1 : 1;
  return 0;
}

function split(id: string): [bigint, bigint] {
  const m = STREAM_ID.exec(id);
  if (!m) throw new Error(`not a stream id: ${id}`);
  return [BigInt(m[1]!), BigInt(m[2]!)];
}
