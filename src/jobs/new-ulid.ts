// ULIDs with their randomness drawn from a pooled buffer: ulid's own generator asks the OS for one
// byte at a time (16 getRandomValues calls per id), which was 5% of the API's CPU per submission.

import { getRandomValues } from 'node:crypto';
import { ulid } from 'ulid';

const pool = new Uint8Array(4096);
let next = pool.length;

/** A random number in [0, 1) from the pool, as ulid's PRNG contract wants (one byte's worth). */
function pooledRandom(): number {
  if (next === pool.length) {
    getRandomValues(pool);
    next = 0;
  }
  return pool[next++]! / 256;
}

export function newUlid(): string {
  return ulid(undefined, pooledRandom);
}
