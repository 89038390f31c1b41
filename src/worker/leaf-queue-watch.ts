// Keeps the region's published leaf queues (store/region-health.ts) in step with its ResourceManager,
// so the API, which never talks to an RM, can tell whether a job's queue exists. Read with each
// preflight round; written only when the answer changes or, unchanged, every REFRESH_MS to renew
// its time. A failed read writes nothing: the last known list stays. It is no preflight check and
// never pauses intake.

import type { Logger } from 'pino';
import type { LeafQueues } from '../yarn/resource-manager.ts';

export interface LeafQueueReader {
  leafQueues(signal?: AbortSignal): Promise<LeafQueues>;
}

/** Records the RM's answer: the names, or null when the RM can't say. */
export type PublishQueues = (names: string[] | null) => Promise<void>;

/** An unchanged list is written again this often, so its `at` says the worker still sees it. */
export const REFRESH_MS = 5 * 60_000;

export interface LeafQueueWatchOptions {
  refreshMs?: number;
  /** Epoch ms; tests pass their own clock. */
  now?: () => number;
}

export class LeafQueueWatch {
  /** What was last written (JSON of the names, or "null") and when; null until the first write. */
  private written: { key: string; atMs: number } | null = null;
  private readFailing = false;
  private lastWhy: string | null = null;
  private inFlight: Promise<void> | null = null;
  private readonly refreshMs: number;
  private readonly now: () => number;

  constructor(
    private readonly rm: LeafQueueReader,
    private readonly publish: PublishQueues,
    private readonly log: Logger,
    opts: LeafQueueWatchOptions = {},
  ) {
    this.refreshMs = opts.refreshMs ?? REFRESH_MS;
    this.now = opts.now ?? Date.now;
  }

  /**
   * One read and, if due, one write. A read still under way (a slow RM outlasting the interval)
   * is joined, not doubled. Never throws.
   */
  update(signal?: AbortSignal): Promise<void> {
    this.inFlight ??= this.readAndPublish(signal).finally(() => { this.inFlight = null; });
    return this.inFlight;
  }

  /** Resolves once no read is under way (for close). */
  async settled(): Promise<void> {
    await this.inFlight;
  }

  private async readAndPublish(signal?: AbortSignal): Promise<void> {
    let answer: LeafQueues;
    try {
      answer = await this.rm.leafQueues(signal);
    } catch (err) {
      if (signal?.aborted) return;
      // The yarn-rm check reports an unreachable RM every round; say it here once per outage.
      if (!this.readFailing) this.log.warn({ err }, 'could not read the ResourceManager\'s queues; the last known list stays');
      this.readFailing = true;
      return;
    }
    if (this.readFailing) this.log.info('the ResourceManager\'s queues are read again');
    this.readFailing = false;
    if (answer.names === null && answer.why !== this.lastWhy) this.log.info({ why: answer.why }, 'the ResourceManager can\'t say which queues it has');
    this.lastWhy = answer.names === null ? answer.why : null;

    const key = JSON.stringify(answer.names);
    const now = this.now();
    if (this.written?.key === key && now - this.written.atMs < this.refreshMs) return;
    try {
      await this.publish(answer.names);
      if (this.written?.key !== key) this.log.info({ queues: answer.names }, 'ResourceManager queues published');
      this.written = { key, atMs: now };
    } catch (err) {
      // Not recorded as written: the next round tries again.
      this.log.error({ err }, 'could not record the ResourceManager\'s queues');
    }
  }
}
