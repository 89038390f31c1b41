// One run's results: every figure by phase, and `figures`, the same as a flat name → number map
// (what the table prints and the smoke test checks).

import type { Ceiling } from './ceiling.ts';
import type { Machine } from './machine.ts';
import type { SubmitLatency } from './phases/p1-latency.ts';
import type { ThroughputConfig } from './phases/p2-throughput.ts';
import type { Tracking } from './phases/p3-tracking.ts';
import type { RedisPerJob } from './phases/p4-redis.ts';
import type { RealYarnShare } from './phases/p5-real-yarn.ts';

export interface BenchResults {
  machine: Machine;
  quick: boolean;
  ceiling: Ceiling;
  p1: SubmitLatency;
  p2: { apiAlone: { acceptedPerSecond: number }; configs: ThroughputConfig[] };
  p3: Tracking;
  p4: { rss: { apiIdleMb: number; workerIdleMb: number; apiAtMaxMb: number; workerAtMaxMb: number; maxTracked: number }; redis: RedisPerJob };
  p5: RealYarnShare | null;
  figures: Record<string, number>;
}

export function flatFigures(r: Omit<BenchResults, 'figures'>): Record<string, number> {
  const f: Record<string, number> = {
    'ceiling.bullmqProcessedPerSecond': r.ceiling.processedPerSecond,
    'p1.p50Ms': r.p1.p50Ms,
    'p1.p99Ms': r.p1.p99Ms,
    'p2.apiAlone.acceptedPerSecond': r.p2.apiAlone.acceptedPerSecond,
  };
  for (const c of r.p2.configs) f[`p2.regions${c.regions}.c${c.concurrency}.submitsPerSecond`] = c.submitsPerSecond;
  for (const l of r.p3.levels) {
    f[`p3.tracked${l.tracked}.rmRequestsPerTick`] = l.rmRequestsPerTick;
    f[`p3.tracked${l.tracked}.tickMeanMs`] = l.tickMeanMs;
    f[`p3.tracked${l.tracked}.sseP50Ms`] = l.sseP50Ms;
    f[`p3.tracked${l.tracked}.sseP99Ms`] = l.sseP99Ms;
  }
  f['p4.apiIdleRssMb'] = r.p4.rss.apiIdleMb;
  f['p4.workerIdleRssMb'] = r.p4.rss.workerIdleMb;
  f['p4.apiAtMaxTrackedRssMb'] = r.p4.rss.apiAtMaxMb;
  f['p4.workerAtMaxTrackedRssMb'] = r.p4.rss.workerAtMaxMb;
  f['p4.redisCommandsPerJob.api'] = r.p4.redis.api.total;
  f['p4.redisCommandsPerJob.worker'] = r.p4.redis.worker.total;
  if (r.p5) {
    for (const k of ['endToEndMs', 'yarnMs', 'sluiceSharePercent', 'queuedToAcceptedMs', 'finishedGapMs'] as const) {
      f[`p5.${k}.mean`] = r.p5[k].mean;
      f[`p5.${k}.max`] = r.p5[k].max;
    }
  }
  return f;
}
