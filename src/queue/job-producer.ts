// The API's side of the queues: enqueue a submission, remove one not yet taken, ask a region's
// worker to cancel. Holds one BullMQ Queue per region and queue kind; never talks to YARN.

import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  controlJobOptions, controlQueueName, queuePrefix, submitJobOptions, submitQueueName,
  type ControlJobData, type SubmitJobData,
} from './queue-names.ts';

export interface QueueCounts { waiting: number; active: number; delayed: number; failed: number; completed: number }

export class JobProducer {
  private readonly submit = new Map<string, Queue<SubmitJobData>>();
  private readonly control = new Map<string, Queue<ControlJobData>>();

  constructor(connection: Redis, ns: string, regions: Iterable<string>) {
    for (const region of regions) {
      const prefix = queuePrefix(ns, region);
      this.submit.set(region, new Queue(submitQueueName(region), { connection, prefix }));
      this.control.set(region, new Queue(controlQueueName(region), { connection, prefix }));
    }
  }

  async enqueueSubmit(region: string, jobId: string): Promise<void> {
    await this.queue(this.submit, region).add('submit', { jobId }, submitJobOptions(jobId));
  }

  /** True when the job was still waiting and is now gone from the queue (never taken by a worker). */
  async removeQueued(region: string, jobId: string): Promise<boolean> {
    const job = await this.queue(this.submit, region).getJob(jobId);
    if (!job) return false;
    const state = await job.getState();
    if (state !== 'waiting' && state !== 'delayed' && state !== 'prioritized') return false;
    // remove() refuses a job a worker has locked meanwhile: then the worker sees the cancel flag.
    try {
      await job.remove();
      return true;
    } catch {
      return false;
    }
  }

  async enqueueCancel(region: string, jobId: string): Promise<void> {
    await this.queue(this.control, region).add('cancel', { jobId, action: 'cancel' }, controlJobOptions(jobId));
  }

  async counts(region: string): Promise<QueueCounts> {
    const c = await this.queue(this.submit, region).getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
    return { waiting: c.waiting ?? 0, active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0, completed: c.completed ?? 0 };
  }

  queues(): Queue[] {
    return [...this.submit.values(), ...this.control.values()];
  }

  /** Each queue with its region and kind, region by region (what Bull Board groups by). */
  regionQueues(): { region: string; kind: 'submit' | 'control'; queue: Queue }[] {
    return [...this.submit.keys()].flatMap((region) => [
      { region, kind: 'submit' as const, queue: this.submit.get(region)! },
      { region, kind: 'control' as const, queue: this.control.get(region)! },
    ]);
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.queues().map((q) => q.close()));
  }

  private queue<T>(map: Map<string, Queue<T>>, region: string): Queue<T> {
    const q = map.get(region);
    if (!q) throw new Error(`no queue for region ${region}`);
    return q;
  }
}
