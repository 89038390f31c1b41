// Runs a region's preflight checks through its routing at start and every intervalSeconds, keeps
// the latest result of each, and says when intake must pause (a critical check fails: the
// ResourceManager, or any check the region marks critical) or may resume. Each round also reads
// the RM's leaf queues for the listener (leaf-queue-watch.ts), beside the checks: never one of them.

import type { Logger } from 'pino';
import { intakeOpen, preflightLatency, preflightUp } from '../metrics/catalog.ts';
import { isRequired, runChecks, type CheckResult, type PreflightDeps } from '../preflight/index.ts';
import type { Region } from '../regions/index.ts';
import { ResourceManagerClient } from '../yarn/resource-manager-client.ts';
import { LeafQueueWatch } from './leaf-queue-watch.ts';

export interface PreflightListener {
  onRound(results: CheckResult[], allOk: boolean, criticalOk: boolean): Promise<void>;
  onIntake(open: boolean): Promise<void>;
  /** The RM's leaf queues: names, or null when the RM can't say. Without it no queues are read. */
  onQueues?(names: string[] | null): Promise<void>;
}

export class PreflightMonitor {
  private readonly latest = new Map<string, CheckResult>();
  private intake: boolean | null = null;
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<unknown> | null = null;
  private readonly abort = new AbortController();
  private readonly queues: LeafQueueWatch | null;

  constructor(
    private readonly region: Region,
    private readonly deps: Omit<PreflightDeps, 'signal'>,
    private readonly listener: PreflightListener,
    private readonly log: Logger,
  ) {
    const onQueues = listener.onQueues?.bind(listener);
    // Its own client over the region's routing (HA failover included), as the checks have theirs.
    this.queues = onQueues ? new LeafQueueWatch(new ResourceManagerClient({
      resourceManagers: [...deps.yarn.resourceManagers], user: deps.yarn.user, dispatcher: deps.routing.dispatcher,
      requestTimeoutMs: region.network.requestTimeoutMs, logger: log.child({ module: 'yarn' }), region: region.name,
    }), onQueues, log) : null;
  }

  /** Runs the first round (intake decided by it), then keeps checking in the background. */
  async start(): Promise<void> {
    await this.runRound();
    const every = this.region.preflight.intervalSeconds * 1000;
    const loop = () => {
      this.timer = setTimeout(async () => {
        await this.runRound();
        if (!this.abort.signal.aborted) loop();
      }, every);
    };
    loop();
  }

  async runRound(): Promise<CheckResult[]> {
    // Not awaited: a slow or failing read never delays the checks or the intake decision.
    void this.queues?.update(this.abort.signal);
    const running = runChecks(this.region.preflight.checks, { ...this.deps, signal: this.abort.signal });
    this.round = running;
    const results = await running;
    for (const r of results) {
      this.latest.set(r.name, r);
      preflightUp.set({ region: this.region.name, check: r.name }, r.ok ? 1 : 0);
      preflightLatency.set({ region: this.region.name, check: r.name }, r.latencyMs / 1000);
    }
    const critical = this.region.preflight.checks.filter((c) => isRequired(c, []));
    const criticalOk = critical.every((c) => this.latest.get(c.name)?.ok);
    const allOk = results.every((r) => r.ok);
    for (const r of results.filter((x) => !x.ok)) this.log.warn({ check: r }, `preflight check ${r.name} failing: ${r.code}`);
    await this.listener.onRound(results, allOk, criticalOk).catch((err) => this.log.error({ err }, 'could not record preflight results'));
    if (criticalOk !== this.intake) {
      this.intake = criticalOk;
      intakeOpen.set({ region: this.region.name }, criticalOk ? 1 : 0);
      this.log.info({ intake: criticalOk ? 'open' : 'paused' }, criticalOk ? 'critical checks pass: taking jobs' : 'a critical check fails: intake paused');
      await this.listener.onIntake(criticalOk);
    }
    return results;
  }

  intakeOpen(): boolean {
    return this.intake === true;
  }

  allPassing(): boolean {
    return this.region.preflight.checks.every((c) => this.latest.get(c.name)?.ok === true);
  }

  /** The checks a job requiring `requires` needs that are failing now (or not run yet). */
  failing(requires: readonly string[]): CheckResult[] {
    return this.region.preflight.checks
      .filter((c) => isRequired(c, requires))
      .filter((c) => !this.latest.get(c.name)?.ok)
      .map((c) => this.latest.get(c.name) ?? { name: c.name, type: c.type, ok: false, code: 'CHECK_ERROR', message: 'not run yet', latencyMs: 0, at: new Date().toISOString() });
  }

  async close(): Promise<void> {
    this.abort.abort();
    if (this.timer) clearTimeout(this.timer);
    await this.round?.catch(() => {});
    await this.queues?.settled();
  }
}
