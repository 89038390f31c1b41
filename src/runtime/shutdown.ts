// How a sluice process stops: on SIGINT or SIGTERM (or when its work is done) it runs its stop
// steps, last started first (dev: API, workers, YARN, Redis), each bounded by its own deadline and
// all by one (default 10 s); a step past its deadline is forced (its child SIGKILLed) and counts
// as failed. The exit code is 0 when every step succeeded, 1 otherwise. A second signal forces.
//
// Handlers are installed before anything starts, and a step is registered before what it stops
// starts (launch()), so a signal during start-up stops what is half-started as well.

import type { Logger } from 'pino';
import { killAllChildren } from '../process/index.ts';
import { createLogger } from '../log.ts';
import { withDeadline } from './with-deadline.ts';

export const DEFAULT_STOP_DEADLINE_MS = 10_000;
/**
 * `npm run dev` + Ctrl-C: the terminal signals the whole group, then npm forwards the same SIGINT
 * to us. Two signals this close together are one request to stop, not a request to force.
 */
const SAME_SIGNAL_WINDOW_MS = 1000;

export interface StopStepOptions {
  /** At most this long (and never past the overall deadline). */
  deadlineMs?: number;
  /** Called when the step is past its deadline, or on a forced stop: kill what it would have stopped. */
  force?: () => void;
}

interface StopStep extends StopStepOptions {
  name: string;
  run: () => Promise<unknown>;
}

/** Thrown into start-up code that is still running when the process starts stopping. */
export class StopRequested extends Error {
  readonly code = 'STOP_REQUESTED';
  constructor(reason: string) {
    super(`stopping (${reason})`);
  }
}

export class Shutdown {
  private readonly steps: StopStep[] = [];
  private readonly controller = new AbortController();
  private stopping: Promise<number> | null = null;
  private firstSignalAt = 0;
  log: Logger;
  readonly deadlineMs: number;
  private readonly exit: (code: number) => void;

  constructor(opts: { log?: Logger; deadlineMs?: number; exit?: (code: number) => void } = {}) {
    this.log = opts.log ?? createLogger(process.env.SLUICE_LOG_LEVEL ?? 'info');
    this.deadlineMs = opts.deadlineMs ?? DEFAULT_STOP_DEADLINE_MS;
    this.exit = opts.exit ?? ((code) => process.exit(code));
  }

  /** Aborted (with a StopRequested reason) as soon as stopping starts. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get isStopping(): boolean {
    return this.stopping !== null;
  }

  /** SIGINT and SIGTERM stop the process, then exit with stop()'s code. */
  installSignalHandlers(): this {
    const onSignal = (signal: NodeJS.Signals) => {
      if (!this.stopping) {
        this.firstSignalAt = Date.now();
        this.stopAndExit(signal);
      } else if (Date.now() - this.firstSignalAt >= SAME_SIGNAL_WINDOW_MS) {
        this.force(signal);
      }
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    return this;
  }

  /** Registers how to stop what was just started. */
  defer(name: string, run: () => Promise<unknown>, opts: StopStepOptions = {}): void {
    this.steps.push({ name, run, ...opts });
  }

  /**
   * Starts something with its stop step registered first: if stopping begins meanwhile, `start`
   * sees the signal aborted (and should clean up and throw), or the step waits for it and stops it.
   */
  async launch<T>(name: string, start: (signal: AbortSignal) => Promise<T>, stop: (value: T) => Promise<unknown>, opts: StopStepOptions = {}): Promise<T> {
    this.signal.throwIfAborted();
    const started = start(this.signal);
    this.defer(name, async () => {
      let value: T;
      try {
        value = await started;
      } catch {
        return; // it never started: its start cleaned up (or the last resort below does)
      }
      await stop(value);
    }, opts);
    return started;
  }

  /** Resolves when stopping starts (for a foreground wait: "run until Ctrl-C"). */
  untilStopping(): Promise<void> {
    if (this.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => this.signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  /** Stops, then exits with stop()'s code: what a signal does, for other reasons (stdin closed, work done). */
  stopAndExit(reason: string, opts: { failed?: boolean } = {}): void {
    void this.stop(reason).then((code) => this.exit(opts.failed ? 1 : code));
  }

  /** Runs every step once; resolves with the exit code. Idempotent. */
  stop(reason: string): Promise<number> {
    // Set before any step runs: code woken by the abort below already sees isStopping.
    this.stopping ??= Promise.resolve().then(() => this.runSteps(reason));
    return this.stopping;
  }

  private async runSteps(reason: string): Promise<number> {
    const began = Date.now();
    const deadlineAt = began + this.deadlineMs;
    this.log.info({ reason, steps: this.steps.map((s) => s.name).reverse(), deadlineMs: this.deadlineMs }, 'stopping');
    this.controller.abort(new StopRequested(reason));
    let failed = 0;
    // Popped one at a time: a step registered while stopping (a start racing the signal) runs too.
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      const budget = Math.min(step.deadlineMs ?? Infinity, deadlineAt - Date.now());
      const stepStarted = Date.now();
      const outcome = await withDeadline(step.run, budget);
      const ms = Date.now() - stepStarted;
      if (outcome === 'ok') {
        this.log.info({ step: step.name, ms }, `stopped ${step.name}`);
        continue;
      }
      failed += 1;
      if (outcome === 'late') {
        step.force?.();
        this.log.error({ step: step.name, ms, deadlineMs: Math.max(budget, 0) }, `${step.name} did not stop within its deadline: forced`);
      } else {
        this.log.error({ step: step.name, ms, err: outcome }, `stopping ${step.name} failed`);
      }
    }
    // A child whose start was cut short has no step that saw it: it goes now.
    killAllChildren();
    const ms = Date.now() - began;
    if (failed) this.log.error({ ms, failed }, 'stopped, with failures');
    else this.log.info({ ms }, 'stopped');
    return failed ? 1 : 0;
  }

  /** A second signal: every remaining step's force hook, every child's group SIGKILLed, exit now. */
  force(reason: string): void {
    this.log.error({ reason, pending: this.steps.map((s) => s.name) }, 'second signal: forcing the stop');
    for (const step of this.steps.splice(0)) step.force?.();
    killAllChildren();
    this.exit(1);
  }
}
