// What makes two submissions "the same body": the parsed JSON, keys sorted, hashed. Whitespace
// or key order differences are not a conflict; any value difference is.

import { createHash } from 'node:crypto';
import { ApiError } from './api-error.ts';

export function bodyHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('base64url');
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export function parseIdempotencyKey(header: string | string[] | undefined): string | null {
  if (header === undefined) return null;
  const key = Array.isArray(header) ? header[0] : header;
  if (!key || key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
    throw new ApiError('INVALID_REQUEST', 'Idempotency-Key must be 1-255 printable ASCII characters without spaces', [
      { path: ['headers', 'idempotency-key'], message: 'must be 1-255 printable ASCII characters without spaces' },
    ]);
  }
  return key;
}
