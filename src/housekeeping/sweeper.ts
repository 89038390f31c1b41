// Retention: deletes what is past its keep-by date, with the clock injected so tests move time
// instead of waiting. Finished jobs older than the retention period lose their record, index
// entry, event stream and idempotency key together (store.sweepFinished); staged files of jobs
// that ended (or no longer exist) are deleted — normally at the job's end already, this catches
// what a crash left behind.

import { isTerminal } from '../jobs/index.ts';
import type { RegionContext } from '../queue/region-context.ts';

export interface SweepReport {
  deletedJobs: number;
  stagingRemoved: number;
}

export class Sweeper {
  constructor(private readonly ctx: RegionContext, private readonly opts: { retentionMs: number; now(): number }) {}

  async pass(): Promise<SweepReport> {
    const { store, staging, region } = this.ctx;
    const cutoff = this.opts.now() - this.opts.retentionMs;
    let deletedJobs = 0;
    for (;;) {
      const batch = await store.sweepFinished(region.name, cutoff);
      deletedJobs += batch.length;
      if (batch.length === 0) break;
    }
    let stagingRemoved = 0;
    for (const jobId of await staging.list()) {
      const job = await store.get(jobId);
      if (job && !isTerminal(job.state)) continue;
      await staging.remove(jobId);
      stagingRemoved++;
    }
    return { deletedJobs, stagingRemoved };
  }
}
