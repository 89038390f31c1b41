// `npm run bench` flags → the sizes of one run. Defaults: the full run the README's figures come
// from; --quick: the same figures with small counts (the smoke test, under a minute).

import { parseArgs } from 'node:util';
import { resolve } from 'node:path';

export interface BenchOptions {
  quick: boolean;
  /** Where latest.json and bench.svg go. */
  outDir: string;
  /** Regions of the multi-region P2 configuration (8 in the issue). */
  regions: number;
  /** P1: the offered rate (jobs/s) and for how long. */
  p1Rate: number;
  p1Seconds: number;
  /** P2: warm-up, then the window the throughput is counted over, per configuration. */
  p2WarmupSeconds: number;
  p2Seconds: number;
  /** HTTP requests in flight from the load generator at saturation. */
  httpConcurrency: number;
  /** The higher worker concurrency P2 also runs (beside the shipped one). */
  highConcurrency: number;
  /** P3: tracked (held RUNNING) application levels, how many are released for the SSE latency, ticks measured. */
  p3Levels: number[];
  p3Release: number;
  p3Ticks: number;
  /** P4: jobs of the Redis-commands-per-job phases, and how long the idle rate subtracted from them is read. */
  p4Jobs: number;
  p4IdleMs: number;
  /** Bare BullMQ ceiling: jobs drained. */
  ceilingJobs: number;
  /** P5: also run trivial jobs on a real YARN (not part of the default run). */
  realYarn: boolean;
  p5Jobs: number;
}

export function parseBenchOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      regions: { type: 'string' },
      'real-yarn': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write('npm run bench -- [--quick] [--out DIR] [--regions N] [--real-yarn]\n');
    process.exit(0);
  }
  const quick = values.quick;
  const regions = values.regions === undefined ? (quick ? 2 : 8) : Number(values.regions);
  if (!Number.isInteger(regions) || regions < 2 || regions > 16) throw new Error('--regions must be an integer 2–16');
  return {
    quick,
    outDir: resolve(values.out ?? resolve(import.meta.dirname, 'results')),
    regions,
    p1Rate: 200,
    p1Seconds: quick ? 2 : 12,
    p2WarmupSeconds: quick ? 1 : 3,
    p2Seconds: quick ? 2 : 10,
    httpConcurrency: 32,
    highConcurrency: 64,
    p3Levels: quick ? [100, 300] : [1000, 5000, 10000],
    p3Release: quick ? 20 : 200,
    p3Ticks: quick ? 1 : 5,
    p4Jobs: quick ? 100 : 2000,
    p4IdleMs: quick ? 1000 : 3000,
    ceilingJobs: quick ? 2000 : 30000,
    realYarn: values['real-yarn'],
    p5Jobs: 5,
  };
}
