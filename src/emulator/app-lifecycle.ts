// The RM side of an application's life: NEW_SAVING → SUBMITTED → ACCEPTED → RUNNING → a final state,
// the scheduler's rejection of an unknown queue, the AM crashing, the AM unregistering, and a kill.
// Every step is asynchronous, as on a real RM, so a client always sees the intermediate answers
// (202 from a kill first, never an instant 200).

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { formatApplicationId, formatAttemptId, formatContainerId } from './application-id.ts';
import { isFinalStateStored, yarnState, type EmulatedApp, type ShellContainer } from './emulated-app.ts';
import { nodeHttpAddress, type EmulatorConfig } from './options.ts';
import type { EmulatedScheduler } from './scheduler.ts';
import { isGroupAlive, signalGroup } from './process-group.ts';
import { launchShellContainers } from './shell-containers.ts';
import { amCrashDiagnostics, dsFailureDiagnostics, initShellAm } from './shell-am.ts';
import type { Submission } from './submission.ts';

const KILL_POLL_MS = 20;
/** After this long a kill completes even if some process ignored SIGKILL (e.g. uninterruptible I/O). */
const KILL_GIVE_UP_MS = 5000;

export class AppLifecycle {
  /** Apps of the held run mode that reached RUNNING, oldest first, until released, killed or closed. */
  private readonly held = new Set<EmulatedApp>();

  constructor(
    private readonly config: Readonly<EmulatorConfig>,
    private readonly workDir: string,
    private readonly rmUrl: () => string,
    private readonly scheduler: EmulatedScheduler,
  ) {}

  private get log(): Logger {
    return this.config.logger;
  }

  private schedule(app: EmulatedApp, ms: number, step: () => void): void {
    const timer = setTimeout(() => {
      app.timers.delete(timer);
      try {
        step();
      } catch (err) {
        this.log.error({ err, appId: app.id }, 'emulator step failed');
      }
    }, ms);
    timer.unref();
    app.timers.add(timer);
  }

  private clearTimers(app: EmulatedApp): void {
    for (const t of app.timers) clearTimeout(t);
    app.timers.clear();
  }

  create(sub: Submission, user: string, submitArrivedAt: number = Date.now()): EmulatedApp {
    const global = this.config.globalMaxAppAttempts;
    const app: EmulatedApp = {
      // The RM prints the parsed id: application_1_1 comes back as application_1_0001.
      id: formatApplicationId(sub.parsedId),
      parsedId: sub.parsedId,
      user,
      name: sub.name,
      queue: sub.queue,
      applicationType: sub.applicationType,
      tags: sub.tags,
      priority: sub.priority,
      // RMAppImpl: ≤ 0 or above the global limit means the global limit.
      maxAppAttempts: sub.maxAppAttempts <= 0 || sub.maxAppAttempts > global ? global : sub.maxAppAttempts,
      amResource: { memory: Math.max(sub.resource.memory, 1024), vCores: Math.max(sub.resource.vCores, 1) },
      amEnvironment: sub.environment,
      amCommand: sub.command,
      amLocalResources: sub.localResources,
      state: 'NEW_SAVING',
      stateBeforeKilling: null,
      finalStatus: 'UNDEFINED',
      diagnostics: '',
      progress: 0,
      startedTime: Date.now(),
      submitArrivedAt,
      launchTime: 0,
      finishedTime: 0,
      amContainerId: null,
      appDir: null,
      containers: [],
      timers: new Set(),
    };
    this.schedule(app, 0, () => this.onSaved(app));
    return app;
  }

  /**
   * The state store has the app; the scheduler takes it or fails it (the submit answered 202
   * already). Taken, the app reports its queue by full path: "default" reads root.default.
   */
  private onSaved(app: EmulatedApp): void {
    app.state = 'SUBMITTED';
    const placement = this.scheduler.place(app.queue, app.id, app.user);
    if (!placement.ok) {
      this.finish(app, 'FAILED', 'FAILED', placement.diagnostics);
      return;
    }
    app.queue = placement.queuePath;
    this.schedule(app, this.config.acceptDelayMs, () => this.onAccepted(app));
  }

  private onAccepted(app: EmulatedApp): void {
    app.state = 'ACCEPTED';
    app.amContainerId = formatContainerId(app.parsedId, 1, 1);
    app.launchTime = Date.now();
    app.diagnostics = 'AM container is launched, waiting for AM container to Register with RM';
    // Without processes there is nothing to log or run: no directory either (no file per app).
    if (this.config.appRun.mode === 'process') {
      app.appDir = join(this.workDir, app.id);
      mkdirSync(join(app.appDir, app.amContainerId), { recursive: true });
    }
    this.schedule(app, this.config.acceptDelayMs, () => this.startAm(app));
  }

  private amLog(app: EmulatedApp, file: 'AppMaster.stdout' | 'AppMaster.stderr', text: string): void {
    if (app.appDir === null) return;
    writeFileSync(join(app.appDir as string, app.amContainerId as string, file), `${text}\n`, { flag: 'a' });
  }

  /** The DS AM starts: init() may crash it; otherwise it registers (RUNNING) and launches containers. */
  private startAm(app: EmulatedApp): void {
    const init = initShellAm(app.amCommand, app.amEnvironment, app.amLocalResources);
    if (!init.ok) {
      this.amLog(app, 'AppMaster.stderr', `ERROR distributedshell.ApplicationMaster: Error running ApplicationMaster\n${init.exception}`);
      this.finish(app, 'FAILED', 'FAILED', amCrashDiagnostics({
        appId: app.id,
        attemptId: formatAttemptId(app.parsedId, 1),
        amContainerId: app.amContainerId as string,
        exitCode: 1,
        stderrTail: init.exception,
        maxAppAttempts: app.maxAppAttempts,
        globalMaxAppAttempts: this.config.globalMaxAppAttempts,
        trackingUrl: `${this.rmUrl()}/cluster/app/${app.id}`,
        now: new Date(),
      }));
      return;
    }
    app.state = 'RUNNING';
    app.diagnostics = '';
    const run = this.config.appRun;
    if (run.mode === 'timed') {
      this.schedule(app, run.runMs, () => this.succeed(app));
      return;
    }
    if (run.mode === 'held') {
      this.held.add(app);
      return;
    }
    const [nodeHost = '127.0.0.1', nodeHttpPort = '8042'] = nodeHttpAddress(this.config, this.rmUrl()).split(':');
    const errors = launchShellContainers(app, init.plan, { nodeHost, nodeHttpPort }, this.log.child({ appId: app.id }),
      (c) => this.onContainerDone(app, c));
    for (const e of errors) this.amLog(app, 'AppMaster.stderr', `ERROR container localization failed: ${e}`);
    // The real DS AM logs each launch like this (log4j to stderr); Sluice finds the job's container by it.
    for (const c of app.containers) {
      this.amLog(app, 'AppMaster.stderr', `INFO distributedshell.ApplicationMaster: Launching shell command on a new container., containerId=${c.containerId}, yarnShellId=1, containerNode=127.0.0.1:0, containerNodeURI=${nodeHttpAddress(this.config, this.rmUrl())}, containerResourceMemory1024, containerResourceVirtualCores1`);
    }
  }

  private onContainerDone(app: EmulatedApp, container: ShellContainer): void {
    this.log.debug({ appId: app.id, containerId: container.containerId, exitCode: container.exitCode }, 'container done');
    if (app.state !== 'RUNNING' || !app.containers.every((c) => c.done)) return;
    // ApplicationMaster.finish(): every container ran; failed = non-zero exits.
    const total = app.containers.length;
    const failed = app.containers.filter((c) => c.exitCode !== 0);
    app.progress = 100;
    if (failed.length === 0) this.unregister(app, 'SUCCEEDED', '');
    else {
      const failures = failed.map((c) => ({ containerId: c.containerId, exitCode: c.exitCode ?? -1, stderrTail: stderrTail(c.dir) }));
      this.unregister(app, 'FAILED', dsFailureDiagnostics({ total, completed: total, allocated: total, failures }));
    }
  }

  /** A no-process app's AM is done: it unregisters SUCCEEDED, as a DS AM whose containers exited 0. */
  private succeed(app: EmulatedApp): void {
    app.progress = 100;
    this.unregister(app, 'SUCCEEDED', '');
  }

  /**
   * Ends held apps now (each FINISHING, then FINISHED/SUCCEEDED, finishedTime = now): those named
   * by `ids`, else the `count` longest held. Apps no longer RUNNING (killed) are skipped. Returns
   * the apps released, in release order.
   */
  releaseHeld(select: { count?: number; ids?: readonly string[] }): EmulatedApp[] {
    const wanted = select.ids ? new Set(select.ids) : null;
    const limit = wanted ? Infinity : (select.count ?? 0);
    const released: EmulatedApp[] = [];
    for (const app of this.held) {
      if (released.length >= limit) break;
      if (app.state !== 'RUNNING') {
        this.held.delete(app);
        continue;
      }
      if (wanted && !wanted.has(app.id)) continue;
      this.held.delete(app);
      this.succeed(app);
      released.push(app);
    }
    return released;
  }

  /** How many held apps are RUNNING now. */
  heldCount(): number {
    let n = 0;
    for (const app of this.held) if (app.state === 'RUNNING') n++;
    return n;
  }

  /** The AM unregisters: FINISHING until its own container is gone, then FINISHED. */
  private unregister(app: EmulatedApp, finalStatus: 'SUCCEEDED' | 'FAILED', diagnostics: string): void {
    this.finish(app, 'FINISHING', finalStatus, diagnostics);
    this.schedule(app, this.config.acceptDelayMs, () => {
      app.state = 'FINISHED';
    });
  }

  private finish(app: EmulatedApp, state: 'FINISHING' | 'FAILED' | 'KILLED', finalStatus: 'SUCCEEDED' | 'FAILED' | 'KILLED', diagnostics: string): void {
    this.clearTimers(app);
    app.state = state;
    app.finalStatus = finalStatus;
    app.diagnostics = diagnostics;
    app.finishedTime = Date.now();
    this.log.info({ appId: app.id, state: yarnState(app), finalStatus }, 'application ended');
  }

  /**
   * ClientRMService.forceKillApplication for a live app: the app goes KILLING now and KILLED once
   * its containers are gone (NM: SIGTERM, then SIGKILL after sleep-delay-before-sigkill.ms).
   */
  requestKill(app: EmulatedApp, user: string, diagnostics: string | undefined): void {
    if (isFinalStateStored(app) || app.state === 'KILLING') return;
    const note = diagnostics?.trim();
    const message = `Application ${app.id} was killed by user ${user}${note ? ` with diagnostic message: ${note}` : ''}`;
    app.stateBeforeKilling = yarnState(app);
    app.state = 'KILLING';
    this.clearTimers(app);
    this.held.delete(app);
    const groups = app.containers.filter((c) => !c.done && c.pgid !== null).map((c) => c.pgid as number);
    for (const pgid of groups) signalGroup(pgid, 'SIGTERM');
    this.schedule(app, this.config.sigkillDelayMs, () => {
      for (const pgid of groups) signalGroup(pgid, 'SIGKILL');
    });
    const deadline = Date.now() + KILL_GIVE_UP_MS;
    const poll = (): void => {
      if (groups.some(isGroupAlive) && Date.now() < deadline) {
        this.schedule(app, KILL_POLL_MS, poll);
        return;
      }
      for (const pgid of groups) signalGroup(pgid, 'SIGKILL');
      this.finish(app, 'KILLED', 'KILLED', message);
    };
    this.schedule(app, KILL_POLL_MS, poll);
  }

  /** Emulator shutdown: no more steps, no process left behind. */
  destroy(app: EmulatedApp): void {
    this.clearTimers(app);
    this.held.delete(app);
    for (const c of app.containers) if (c.pgid !== null) signalGroup(c.pgid, 'SIGKILL');
  }
}

/** The last 4096 bytes of a container's stderr, as the NM puts in diagnostics. */
function stderrTail(dir: string): string {
  try {
    const b = readFileSync(join(dir, 'stderr'));
    return b.subarray(Math.max(0, b.length - 4096)).toString();
  } catch {
    return '';
  }
}
