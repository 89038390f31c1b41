// The ceiling every Sluice figure is compared with: bare BullMQ on the same Redis. Jobs are added
// (Queue.addBulk) with nothing waiting, then one Worker with a no-op processor drains them; its
// processed/s is the most a BullMQ worker process could move here.

import { Queue, Worker } from 'bullmq';
import { round } from './stats.ts';

export interface Ceiling {
  jobs: number;
  addedPerSecond: number;
  processedPerSecond: number;
  concurrency: number;
}

export async function measureCeiling(redisUrl: string, jobs: number, concurrency: number): Promise<Ceiling> {
  const connection = { url: redisUrl, maxRetriesPerRequest: null };
  const name = 'bench-ceiling';
  const queue = new Queue(name, { connection, prefix: 'ceiling' });
  const addStart = performance.now();
  for (let i = 0; i < jobs; i += 1000) {
    const n = Math.min(1000, jobs - i);
    await queue.addBulk(Array.from({ length: n }, (_, k) => ({ name: 'noop', data: { i: i + k }, opts: { removeOnComplete: true, removeOnFail: true } })));
  }
  const addMs = performance.now() - addStart;
  let done = 0;
  let resolveDone!: () => void;
  const allDone = new Promise<void>((r) => { resolveDone = r; });
  const start = performance.now();
  const worker = new Worker(name, async () => {
    if (++done === jobs) resolveDone();
  }, { connection, prefix: 'ceiling', concurrency });
  await allDone;
  const ms = performance.now() - start;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return { jobs, addedPerSecond: round((jobs * 1000) / addMs, 0), processedPerSecond: round((jobs * 1000) / ms, 0), concurrency };
}
