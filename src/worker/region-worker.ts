// Everything one region's worker process runs: preflight checks, the submit and control queue
// workers, the tracker and the log responder, all over one routing (undici dispatcher) built
// from the region's network block.

import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { stat } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { Logger } from 'pino';
import { LogResponder } from '../logs/log-responder.ts';
import { createControlProcessor } from '../queue/control-processor.ts';
import { controlQueueName, queuePrefix, submitQueueName, type SubmitJobData } from '../queue/queue-names.ts';
import type { RegionContext } from '../queue/region-context.ts';
import { createSubmitProcessor } from '../queue/submit-processor.ts';
import type { Region } from '../regions/index.ts';
import { buildRouting } from '../routing/index.ts';
import { FileStagingStore } from '../staging/index.ts';
import { JobStore, keysFor, updateRegionHealth } from '../store/index.ts';
import { Tracker } from '../tracker/tracker.ts';
import type { DistributedShellAm } from '../yarn/distributed-shell.ts';
import { ResourceManagerClient } from '../yarn/resource-manager-client.ts';
import { PreflightMonitor } from './preflight-monitor.ts';

export interface RegionWorkerOptions {
  region: Region;
  redisUrl: string;
  ns: string;
  log: Logger;
  idempotencyTtlSeconds: number;
  eventsMaxLength: number;
}

export class RegionWorker {
  private readonly closers: (() => Promise<unknown>)[] = [];
  private closing: Promise<void> | null = null;
  tracker: Tracker | null = null;

  constructor(private readonly opts: RegionWorkerOptions) {}

  async start(): Promise<void> {
    const { region, ns, eventsMaxLength } = this.opts;
    const log = this.opts.log.child({ region: region.name });
    const redis = this.connect();
    const routing = buildRouting(region.network, { logger: log.child({ module: 'routing' }) });
    this.closers.push(() => routing.close());
    const store = new JobStore(redis, keysFor(ns), { idempotencyTtlSeconds: this.opts.idempotencyTtlSeconds, eventsMaxLength });
    const health = (part: Parameters<typeof updateRegionHealth>[3]) => updateRegionHealth(redis, store.keys, region.name, part, eventsMaxLength);

    // Built below, once its processor's context exists; the monitor's first round starts it.
    let submitWorker: Worker<SubmitJobData> | undefined;
    let intakeStarted = false;
    const preflight = new PreflightMonitor(region, { routing, yarn: region.yarn }, {
      onRound: (results, allOk, criticalOk) => health({ checks: { results, allOk, criticalOk } }),
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

    const ctx: RegionContext = {
      region,
      store,
      rm: new ResourceManagerClient({
        resourceManagers: region.yarn.resourceManagers, user: region.yarn.user, dispatcher: routing.dispatcher,
        requestTimeoutMs: region.network.requestTimeoutMs, logger: log.child({ module: 'yarn' }),
      }),
      staging: new FileStagingStore(region.staging.dirPath),
      am: await readAm(region),
      preflight,
      log,
    };
    submitWorker = new Worker<SubmitJobData>(submitQueueName(region.name), createSubmitProcessor(ctx), {
      ...workerTuning(queuePrefix(ns, region.name)), connection: this.connect(), concurrency: region.worker.concurrency,
      // Intake starts once the critical preflight checks pass (onIntake above).
      autorun: false,
    });
    submitWorker.on('failed', (job, err) => {
      if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
      // Retries exhausted: the job ends FAILED, saying which region and step.
      void store.transition(job.data.jobId, 'FAILED', {
        error: { code: 'SUBMIT_FAILED', message: `region ${region.name}: submit failed after ${job.attemptsMade} attempts: ${err.message}` },
      }).catch((e) => log.error({ err: e }, 'could not record failure'));
    });
    submitWorker.on('error', (err) => log.error({ err }, 'submit worker error'));
    const controlWorker = new Worker(controlQueueName(region.name), createControlProcessor(ctx), {
      ...workerTuning(queuePrefix(ns, region.name)), connection: this.connect(), concurrency: 4,
    });
    controlWorker.on('error', (err) => log.error({ err }, 'control worker error'));
    this.tracker = new Tracker(ctx, redis, (tracking) => health({ tracking }));
    const logs = new LogResponder(ctx, this.connect(), routing.dispatcher);
    // Close order: stop taking work, then the background loops, then routing and connections.
    this.closers.unshift(
      () => preflight.close(), () => submitWorker!.close(), () => controlWorker.close(),
      () => this.tracker!.close(), () => logs.close(),
    );
    this.tracker.start();
    logs.start();
    await preflight.start();
    log.info({ queues: [submitQueueName(region.name), controlQueueName(region.name)] }, 'region worker started');
  }

  /** Idempotent; runs every step even when one throws. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const close of this.closers) {
        await close().catch((err) => this.opts.log.error({ err }, 'close step failed'));
      }
    })();
    return this.closing;
  }

  private connect(): Redis {
    // BullMQ workers block on their connection: each needs its own, with retries unbounded.
    const redis = new Redis(this.opts.redisUrl, { maxRetriesPerRequest: null });
    this.closers.push(() => redis.quit());
    return redis;
  }
}

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
