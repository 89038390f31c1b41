// Queue depth for sluice_queue_jobs, read from BullMQ at scrape time. The API reports every queue
// it holds (each region's submit and control queues, the webhook deliveries); workers don't, so a
// scrape of every process counts each queue once per API process (max() over them, not sum()).

import type { Queue } from 'bullmq';
import { queueDepthSources, type QueueDepthGauge } from './catalog.ts';

export interface WatchedQueue {
  /** The region, or "" for a queue of no region (webhook deliveries): Prometheus drops an empty label. */
  region: string;
  /** submit, control or webhooks: the metric's `queue` label. */
  kind: string;
  queue: Queue;
}

const STATUSES = ['waiting', 'active', 'delayed', 'failed'] as const;
/** A scrape never waits on a dead Redis longer than this; the queue is left out of that scrape. */
const READ_TIMEOUT_MS = 2000;

/** Reports the queues at every scrape until the returned function is called. */
export function watchQueueDepth(queues: readonly WatchedQueue[]): () => void {
  const fill = async (gauge: QueueDepthGauge) => {
    await Promise.all(queues.map(async ({ region, kind, queue }) => {
      const counts = await withTimeout(queue.getJobCounts(...STATUSES)).catch(() => null);
      if (!counts) return;
      for (const status of STATUSES) gauge.set({ region, queue: kind, status }, counts[status] ?? 0);
    }));
  };
  queueDepthSources.add(fill);
  return () => queueDepthSources.delete(fill);
}

function withTimeout<T>(p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('queue read timed out')), READ_TIMEOUT_MS); });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
