// Options of the ResourceManager emulator: raw options → validated, defaulted, frozen (STYLE.md,
// Temporal's worker-options). Nothing else in the emulator reads RmEmulatorOptions directly.

import pino, { type Logger } from 'pino';
import { checkQueueNames } from './scheduler.ts';

export type HaState = 'ACTIVE' | 'STANDBY';

/**
 * What runs once an application's AM registers. `process` (the default): the Distributed Shell AM
 * is played for real, each shell container a local process. The two others spawn nothing and touch
 * no file, so the emulator can hold thousands of applications cheaply (the benchmark): `timed`
 * apps end FINISHED/SUCCEEDED runMs after they reach RUNNING; `held` apps stay RUNNING until
 * released (releaseHeld, or POST /emulator/release).
 */
export type AppRunMode = { mode: 'process' } | { mode: 'timed'; runMs: number } | { mode: 'held' };

export interface RmEmulatorOptions {
  /** Interface to listen on; 127.0.0.1 by default. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Where container directories go (<workDir>/<appId>/<containerId>/). Default: a fresh temp dir, removed on close. */
  workDir?: string;
  /** The RM's start time, the middle part of every application id. Default: now. */
  clusterTimestamp?: number;
  /** Start as ACTIVE (default) or STANDBY (with no active RM known until setStandby(url) is called). */
  haState?: HaState;
  /** Delay added to every response. */
  latencyMs?: number;
  /** The CapacityScheduler's leaf queues, all directly under root. Default: ["default"], as a stock RM. */
  queues?: readonly string[];
  /** Time from submit to ACCEPTED, again from ACCEPTED to RUNNING, and how long FINISHING lasts. Default 50 ms. */
  acceptDelayMs?: number;
  /** What runs once an app reaches RUNNING; default { mode: 'process' }. */
  appRun?: AppRunMode;
  logger?: Logger;
}

export interface EmulatorConfig {
  host: string;
  port: number;
  workDir: string | undefined;
  clusterTimestamp: number;
  haState: HaState;
  latencyMs: number;
  acceptDelayMs: number;
  appRun: Readonly<AppRunMode>;
  logger: Logger;
  /** What new-application reports as maximum-resource-capability, and what submit checks against. */
  maxResource: { memory: number; vCores: number };
  /** The leaf queues (under root) the emulated CapacityScheduler starts with; setQueues changes them. */
  queues: readonly string[];
  /** yarn.resourcemanager.am.max-attempts default; shows in the "failed N times" diagnostics. */
  globalMaxAppAttempts: number;
  /** yarn.nodemanager.sleep-delay-before-sigkill.ms: a kill is SIGTERM, then SIGKILL after this. */
  sigkillDelayMs: number;
  /**
   * The emulated NodeManager's web address (amContainerLogs links point there). Empty: the
   * emulator itself, which also serves the NM's container-log REST endpoint.
   */
  nodeHttpAddress: string;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new Error(`RM emulator: ${name} must be a number ≥ 0, got ${value}`);
  return value;
}

function checkAppRun(run: AppRunMode | undefined): Readonly<AppRunMode> {
  if (run === undefined) return Object.freeze({ mode: 'process' });
  if (run.mode === 'process' || run.mode === 'held') return Object.freeze({ mode: run.mode });
  if (run.mode === 'timed') return Object.freeze({ mode: 'timed', runMs: nonNegative('appRun.runMs', run.runMs) });
  throw new Error(`RM emulator: bad appRun mode ${String((run as { mode: unknown }).mode)} (process, timed or held)`);
}

export function compileOptions(opts: RmEmulatorOptions = {}): Readonly<EmulatorConfig> {
  const haState = opts.haState ?? 'ACTIVE';
  if (haState !== 'ACTIVE' && haState !== 'STANDBY') throw new Error(`RM emulator: bad haState ${String(haState)}`);
  return Object.freeze({
    host: opts.host ?? '127.0.0.1',
    port: nonNegative('port', opts.port ?? 0),
    workDir: opts.workDir,
    clusterTimestamp: nonNegative('clusterTimestamp', opts.clusterTimestamp ?? Date.now()),
    haState,
    latencyMs: nonNegative('latencyMs', opts.latencyMs ?? 0),
    acceptDelayMs: nonNegative('acceptDelayMs', opts.acceptDelayMs ?? 50),
    appRun: checkAppRun(opts.appRun),
    logger: (opts.logger ?? pino({ level: 'silent' })).child({ module: 'rm-emulator' }),
    maxResource: Object.freeze({ memory: 8192, vCores: 8 }),
    queues: checkQueueNames(opts.queues ?? ['default']),
    globalMaxAppAttempts: 2,
    sigkillDelayMs: 250,
    nodeHttpAddress: '',
  });
}

/** The NodeManager web address apps report: the configured one, or this emulator itself. */
export function nodeHttpAddress(config: Readonly<EmulatorConfig>, rmUrl: string): string {
  return config.nodeHttpAddress || (rmUrl ? new URL(rmUrl).host : '127.0.0.1:8042');
}

