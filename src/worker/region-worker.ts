// Everything one region's worker process runs: the submit and control queue workers and the
// tracker, all over one routing (undici dispatcher) built from the region's network block.

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
import { buildRegionDispatcher, type Region } from '../regions/index.ts';
import { FileStagingStore } from '../staging/index.ts';
import { JobStore, keysFor, setRegionHealth } from '../store/index.ts';
import { Tracker } from '../tracker/tracker.ts';
import type { DistributedShellAm } from '../yarn/distributed-shell.ts';
import { ResourceManagerClient } from '../yarn/resource-manager-client.ts';

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
    const { region, ns } = this.opts;
    const log = this.opts.log.child({ region: region.name });
    const redis = this.connect();
    const dispatcher = buildRegionDispatcher(region);
    this.closers.push(() => dispatcher.close());
    const store = new JobStore(redis, keysFor(ns), { idempotencyTtlSeconds: this.opts.idempotencyTtlSeconds, eventsMaxLength: this.opts.eventsMaxLength });
    const ctx: RegionContext = {
      region,
      store,
      rm: new ResourceManagerClient({
        resourceManagers: region.yarn.resourceManagers, user: region.yarn.user, dispatcher,
        requestTimeoutMs: region.network.requestTimeoutMs, logger: log.child({ module: 'yarn' }),
      }),
      staging: new FileStagingStore(region.staging.dirPath),
      am: await readAm(region),
      log,
    };
    const prefix = queuePrefix(ns, region.name);
    const common = {
      prefix,
      // A SIGKILLed worker's job comes back after the lock expires; tolerate many such stalls.
      lockDuration: 15_000,
      stalledInterval: 5_000,
      maxStalledCount: 10,
    };
    const submitWorker = new Worker<SubmitJobData>(submitQueueName(region.name), createSubmitProcessor(ctx), {
      ...common, connection: this.connect(), concurrency: region.worker.concurrency,
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
      ...common, connection: this.connect(), concurrency: 4,
    });
    controlWorker.on('error', (err) => log.error({ err }, 'control worker error'));
    this.tracker = new Tracker(ctx, redis, (h) => setRegionHealth(redis, store.keys, region.name, h, this.opts.eventsMaxLength));
    this.tracker.start();
    const logs = new LogResponder(ctx, this.connect(), dispatcher);
    logs.start();
    // Close order: stop taking work, then the tracker and log answers, then the connections.
    this.closers.unshift(() => submitWorker.close(), () => controlWorker.close(), () => this.tracker!.close(), () => logs.close());
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
