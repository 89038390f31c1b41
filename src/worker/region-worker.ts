// Everything one region's worker process runs: preflight checks, the submit and control queue
// workers, the tracker and the log responder, all over one routing (undici dispatcher) built
// from the region's network block.

import { Queue, Worker } from 'bullmq';
import { Housekeeper } from '../housekeeping/housekeeper.ts';
import type { Redis } from 'ioredis';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from 'pino';
import { LogResponder } from '../logs/log-responder.ts';
import { createControlProcessor } from '../queue/control-processor.ts';
import { controlQueueName, queuePrefix, submitQueueName, type SubmitJobData } from '../queue/queue-names.ts';
import type { RegionContext } from '../queue/region-context.ts';
import { settleStoppedSubmit } from '../queue/settle-stopped-submit.ts';
import { createSubmitProcessor } from '../queue/submit-processor.ts';
import type { Region } from '../regions/index.ts';
import { buildRouting } from '../routing/index.ts';
import { FileStagingStore } from '../staging/index.ts';
import { JobStore, jobStoreOptions, keysFor, setRegionQueues, updateRegionHealth, WriteLossWatch } from '../store/index.ts';
import type { SluiceConfig } from '../config/config.ts';
import { Tracker } from '../tracker/tracker.ts';
import type { DistributedShellAm } from '../yarn/distributed-shell.ts';
import { ResourceManagerClient } from '../yarn/resource-manager-client.ts';
import { closeRedis, connectRedis, watchQueueErrors } from '../redis/index.ts';
import { withDeadline } from '../runtime/index.ts';
import { PreflightMonitor } from './preflight-monitor.ts';

export interface RegionWorkerOptions {
  region: Region;
  config: SluiceConfig;
  log: Logger;
  /** Epoch ms; tests drive retention with their own clock. */
  now?: () => number;
}

export class RegionWorker {
  private readonly closers: (() => Promise<unknown>)[] = [];
  /** Closed after every step, whatever the steps did. */
  private readonly connections: Redis[] = [];
  private closing: Promise<void> | null = null;
  tracker: Tracker | null = null;
  housekeeper: Housekeeper | null = null;

  constructor(private readonly opts: RegionWorkerOptions) {}

  async start(): Promise<void> {
    const { region, config } = this.opts;
    const ns = config.redis.namespace;
    const eventsMaxLength = config.events.maxLength;
    const log = this.opts.log.child({ region: region.name });
    const redis = this.connect();
    const routing = buildRouting(region.network, { logger: log.child({ module: 'routing' }) });
    this.closers.push(() => routing.close());
    const store = new JobStore(redis, keysFor(ns), jobStoreOptions(config, this.opts.now));
    const health = (part: Parameters<typeof updateRegionHealth>[3]) => updateRegionHealth(redis, store.keys, region.name, part, eventsMaxLength);

    // Built below, once its processor's context exists; the monitor's first round starts it.
    let submitWorker: Worker<SubmitJobData> | undefined;
    let intakeStarted = false;
    const preflight = new PreflightMonitor(region, { routing, yarn: region.yarn }, {
      onRound: (results, allOk, criticalOk) => health({ checks: { results, allOk, criticalOk } }),
      onQueues: (names) => setRegionQueues(redis, store.keys, region.name, names),
      onIntake: async (open) => {
        if (!submitWorker) return;
        if (open && !intakeStarted) {
          intakeStarted = true;
          void submitWorker.run().catch((err) => log.error({ err }, 'submit worker stopped'));
        } else if (open) {
          submitWorker.resume();
        }
        else if (intakeStarted) await submitWorker.pause(true);
      },
    }, log.child({ module: 'preflight' }));

    // Until its first reading every job counts as possibly affected: nothing waits for it.
    const writeLoss = new WriteLossWatch(redis);
    writeLoss.start();
    this.closers.push(async () => writeLoss.stop());
    const ctx: RegionContext = {
      region,
      store,
      rm: new ResourceManagerClient({
        resourceManagers: region.yarn.resourceManagers, user: region.yarn.user, dispatcher: routing.dispatcher,
        requestTimeoutMs: region.network.requestTimeoutMs, logger: log.child({ module: 'yarn' }), region: region.name,
      }),
      nodes: routing.dispatcher,
      // One folder per deployment: a sweeper never takes another deployment's files for its own.
      staging: new FileStagingStore(join(region.staging.dirPath, ns)),
      am: await readAm(region),
      preflight,
      writeLoss,
      log,
    };
    const submitConnection = this.connect();
    submitWorker = new Worker<SubmitJobData>(submitQueueName(region.name), createSubmitProcessor(ctx), {
      ...workerTuning(queuePrefix(ns, region.name)), connection: submitConnection, concurrency: region.worker.concurrency,
      // Intake starts once the critical preflight checks pass (onIntake above).
      autorun: false,
    });
    submitWorker.on('failed', (job, err) => {
      if (!job) return;
      // Settled only once the queue entry has failed for good (retries ran out, or it stalled too
      // often); reconciliation catches what this misses (a crash right here).
      void job.isFailed()
        .then(async (final) => { if (final) await settleStoppedSubmit(store, region.name, job.data.jobId, `submit gave up after ${job.attemptsMade} attempts: ${err.message}`); })
        .catch((e) => log.error({ err: e, jobId: job.data.jobId }, 'could not record the end of submit retries'));
    });
    watchQueueErrors(submitWorker, 'submit worker', submitConnection, log);
    const controlConnection = this.connect();
    const controlWorker = new Worker(controlQueueName(region.name), createControlProcessor(ctx), {
      ...workerTuning(queuePrefix(ns, region.name)), connection: controlConnection, concurrency: 4,
    });
    watchQueueErrors(controlWorker, 'control worker', controlConnection, log);
    this.tracker = new Tracker(ctx, redis, (tracking) => health({ tracking }));
    const logs = new LogResponder(ctx, this.connect(), routing.dispatcher);
    const submitQueue = new Queue(submitQueueName(region.name), { prefix: queuePrefix(ns, region.name), connection: redis });
    watchQueueErrors(submitQueue, 'submit queue (lookups)', redis, log);
    const now = this.opts.now ?? Date.now;
    this.housekeeper = new Housekeeper(ctx, redis, {
      graceMs: config.reconcile.graceSeconds * 1000,
      pendingGraceMs: PENDING_GRACE_MS,
      reconcileIntervalMs: config.reconcile.intervalSeconds * 1000,
      sweepIntervalMs: config.retention.sweepIntervalSeconds * 1000,
      retentionMs: config.retention.days * 24 * 3600 * 1000,
      isQueued: async (jobId) => LIVE_QUEUE_STATES.includes(await submitQueue.getJobState(jobId)),
      now,
    });
    // Close order: stop taking work, then the background loops, then routing and connections.
    this.closers.unshift(
      () => preflight.close(), () => submitWorker!.close(), () => controlWorker.close(),
      () => this.tracker!.close(), () => this.housekeeper!.close(), () => logs.close(), () => submitQueue.close(),
    );
    this.tracker.start();
    this.housekeeper.start();
    logs.start();
    await preflight.start();
    log.info({ queues: [submitQueueName(region.name), controlQueueName(region.name)] }, 'region worker started');
  }

  /**
   * Idempotent; runs every step even when one throws or hangs, each for at most STEP_MS (less while
   * Redis is unreachable: such a step would only wait for a reconnect), all within deadlineMs. Then
   * the connections: QUIT, or disconnect() when Redis is down or QUIT hangs. A step still blocked on
   * a dead connection (the log responder's BLPOP) is abandoned at its deadline, not awaited: ioredis
   * never fails a command queued for a reconnect, even after disconnect(). Rejects if a step failed.
   */
  close(opts: { deadlineMs?: number } = {}): Promise<void> {
    this.closing ??= (async () => {
      const deadlineAt = Date.now() + (opts.deadlineMs ?? CLOSE_DEADLINE_MS);
      const failed: string[] = [];
      for (const [i, close] of this.closers.entries()) {
        const redisUp = this.connections.every((c) => c.status === 'ready');
        const budget = Math.min(redisUp ? STEP_MS : STEP_MS_REDIS_DOWN, deadlineAt - Date.now());
        const outcome = await withDeadline(close, budget);
        if (outcome === 'ok') continue;
        failed.push(`step ${i + 1}: ${outcome === 'late' ? `not done within ${Math.max(budget, 0)} ms` : outcome.message}`);
        this.opts.log.error({ step: i + 1, ...(outcome === 'late' ? { deadlineMs: budget, redisUp } : { err: outcome }) }, 'close step failed');
      }
      await Promise.all(this.connections.map((c) => closeRedis(c)));
      if (failed.length) throw new Error(`region worker closed with failures: ${failed.join('; ')}`);
    })();
    return this.closing;
  }

  private connect(): Redis {
    // BullMQ workers block on their connection: each needs its own, with retries unbounded.
    const name = `worker:${this.opts.region.name}:${this.connections.length + 1}`;
    const redis = connectRedis(this.opts.config.redis.url, { name, role: 'background', log: this.opts.log });
    this.connections.push(redis);
    return redis;
  }
}

/** A region worker's whole close; the process's stop deadline (10 s) leaves room around it. */
const CLOSE_DEADLINE_MS = 8000;
/** One step (an in-flight submit finishing, a tracker tick) while Redis answers… */
const STEP_MS = 5000;
/** …and while it doesn't: the step can only be waiting for a reconnect. */
const STEP_MS_REDIS_DOWN = 500;

/** A job not yet on YARN whose queue entry is gone this long after it was recorded is settled. */
const PENDING_GRACE_MS = 5 * 60_000;
/** Queue states in which a submit is still going to run (or running). */
const LIVE_QUEUE_STATES: string[] = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'];

function workerTuning(prefix: string) {
  return {
    prefix,
    // A SIGKILLed worker's job comes back after the lock expires; tolerate many such stalls.
    lockDuration: 15_000,
    stalledInterval: 5_000,
    maxStalledCount: 10,
  };
}

/** The DS AM jar's size and mtime are read once at start: YARN checks both at localization. */
async function readAm(region: Region): Promise<DistributedShellAm> {
  const path = region.yarn.distributedShellJarPath;
  const s = await stat(path).catch((err: Error) => {
    throw new Error(`region ${region.name}: yarn.distributedShellJar ${path} is not readable: ${err.message}`);
  });
  return {
    jar: { resource: pathToFileURL(path).href, type: 'FILE', visibility: 'APPLICATION', size: s.size, timestamp: Math.floor(s.mtimeMs) },
    classpath: region.yarn.amClasspath,
    memoryMb: region.yarn.amMemoryMb,
  };
}
