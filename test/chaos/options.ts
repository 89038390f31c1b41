// Command line of the chaos run (README, "Chaos run"). Defaults are the issue's: 1,000 jobs over
// 3 regions on the emulator; --real-yarn: 60 jobs on one real YARN.

import { parseArgs } from 'node:util';

export interface ChaosOptions {
  jobs: number;
  regions: number;
  seed: number;
  realYarn: boolean;
  /** Submissions per second. */
  rate: number;
  /** Mean time between worker SIGKILLs (jittered ±25%). 0: no worker kills. */
  killEveryMs: number;
  /** How long a killed worker stays dead before the harness starts it again. */
  restartDelayMs: number;
  /** How long Redis stays down after its SIGKILL. */
  redisDownMs: number;
  /** How long the RM emulator refuses connections during its restart. */
  rmDownMs: number;
  /** Fraction of jobs cancelled at a random moment, and of jobs given a short timeout. */
  cancelFraction: number;
  timeoutFraction: number;
  /** After the last submission: how long to wait for every accepted job to end. */
  drainSeconds: number;
  /** After that: how long orphan applications get to be killed by Sluice's reconciliation. */
  settleSeconds: number;
  /** Also write the report as JSON here. */
  reportJson: string | null;
  /** Keep the scratch folder (logs, Redis AOF, region files) instead of removing it. */
  keep: boolean;
  verbose: boolean;
  /** Plant one defect of each kind after the run: the report must count each once (and exit 1). */
  selfCheck: boolean;
}

const HELP = `npm run chaos -- [options]
  --jobs N            jobs to submit (default 1000; 60 with --real-yarn)
  --regions N         regions, each with its own RM emulator and worker (default 3; 1 with --real-yarn)
  --seed S            seed of every random choice (default: random, printed)
  --real-yarn         one real Hadoop YARN (RM + NM) instead of emulators; the RM is kill -9'd once
  --rate R            submissions per second (default 8; 1 with --real-yarn)
  --kill-every-ms MS  mean time between worker SIGKILLs (default 2000; 0 = none)
  --redis-down-ms MS  Redis outage after its SIGKILL (default 5000)
  --rm-down-ms MS     emulator RM restart outage (default 4000)
  --drain-s S         after the last submission, wait this long at most for every job to end (default 180)
  --settle-s S        then wait this long at most for orphan applications to go (default 45)
  --report-json FILE  also write the report as JSON
  --keep              keep the scratch folder (logs, AOF, region files)
  --verbose           progress lines for every fault
  --self-check        after the run, plant one lost job, one duplicate/orphan app and one extra
                      terminal event: the report must count each once and exit 1 (tests the harness)`;

function num(name: string, raw: string | undefined, fallback: number, min = 0): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}, got "${raw}"`);
  return n;
}

export function parseOptions(argv: string[]): ChaosOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      jobs: { type: 'string' }, regions: { type: 'string' }, seed: { type: 'string' },
      'real-yarn': { type: 'boolean', default: false }, rate: { type: 'string' },
      'kill-every-ms': { type: 'string' }, 'restart-delay-ms': { type: 'string' },
      'redis-down-ms': { type: 'string' }, 'rm-down-ms': { type: 'string' },
      'cancel-fraction': { type: 'string' }, 'timeout-fraction': { type: 'string' },
      'drain-s': { type: 'string' }, 'settle-s': { type: 'string' },
      'report-json': { type: 'string' }, keep: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false }, 'self-check': { type: 'boolean', default: false }, help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const realYarn = values['real-yarn'] ?? false;
  const regions = num('regions', values.regions, realYarn ? 1 : 3, 1);
  if (realYarn && regions !== 1) throw new Error('--real-yarn runs one region (one real YARN fits on a machine)');
  return {
    jobs: Math.floor(num('jobs', values.jobs, realYarn ? 60 : 1000, 1)),
    regions: Math.floor(regions),
    seed: Math.floor(num('seed', values.seed, Math.floor(Math.random() * 2 ** 31))),
    realYarn,
    rate: num('rate', values.rate, realYarn ? 1 : 8, 0.01),
    killEveryMs: num('kill-every-ms', values['kill-every-ms'], 2000),
    restartDelayMs: num('restart-delay-ms', values['restart-delay-ms'], 500),
    redisDownMs: num('redis-down-ms', values['redis-down-ms'], 5000),
    rmDownMs: num('rm-down-ms', values['rm-down-ms'], 4000),
    cancelFraction: num('cancel-fraction', values['cancel-fraction'], 0.1),
    timeoutFraction: num('timeout-fraction', values['timeout-fraction'], 0.05),
    drainSeconds: num('drain-s', values['drain-s'], 180),
    settleSeconds: num('settle-s', values['settle-s'], 45),
    reportJson: values['report-json'] ?? null,
    keep: values.keep ?? false,
    verbose: values.verbose ?? false,
    selfCheck: values['self-check'] ?? false,
  };
}
