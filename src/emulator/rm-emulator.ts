// startRmEmulator: an in-process YARN ResourceManager speaking the REST subset Sluice uses, with
// Distributed Shell semantics for submitted apps, plus controls for tests (latency, failures, HA).
// Test and local-run code only: production code never imports src/emulator.

import { mkdirSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { AppLifecycle } from './app-lifecycle.ts';
import { AppRegistry } from './app-registry.ts';
import { buildEmulatorApp } from './build-app.ts';
import { yarnState } from './emulated-app.ts';
import { HttpFaults, type InjectedFailure } from './http-faults.ts';
import { compileOptions, type RmEmulatorOptions } from './options.ts';
import { isGroupAlive } from './process-group.ts';
import { RequestStats, type RequestStatsView } from './request-stats.ts';
import type { RmContext } from './rm-context.ts';
import { EmulatedScheduler } from './scheduler.ts';

export interface EmulatedAppView {
  id: string;
  /** As GET /apps/{id} reports it. */
  state: string;
  finalStatus: string;
  /** Pid (= process group id) of the first shell container, once started. */
  pid: number | null;
  /** Directory of the first shell container (ExecScript.sh, stdout, stderr), once made. */
  workDir: string | null;
}

export interface RmEmulator {
  /** http://host:port, no trailing slash. */
  url: string;
  /** Every HTTP request received, by method and/or path (path without query). */
  requestCount(filter?: { method?: string; path?: string }): number;
  resetRequestCount(): void;
  /** Delays every response by ms; with `route`, only that method + exact path (0 clears it). */
  setLatency(ms: number, route?: { method: string; path: string }): void;
  /** The next `times` requests matching method and path prefix are answered with status/body. */
  injectFailure(f: InjectedFailure): void;
  /** Drops every injected failure not used up yet. */
  clearFailures(): void;
  /** The CapacityScheduler's leaf queues now (under root, by short name). */
  queues(): readonly string[];
  /** Replaces the leaf queues, as an admin's refreshQueues would; apps already placed keep theirs. */
  setQueues(names: readonly string[]): void;
  /** Become STANDBY: redirect to activeUrl (null: no active RM known). */
  setStandby(activeUrl: string | null): void;
  setActive(): void;
  application(id: string): EmulatedAppView | undefined;
  /** RM requests by operation since start (also GET /emulator/stats). */
  requestStats(): RequestStatsView;
  /** Held run mode: ends the `count` longest-held RUNNING apps, or those named; returns their ids (also POST /emulator/release). */
  releaseHeld(select: { count?: number; ids?: readonly string[] }): string[];
  /** Is a process of the app's script process group(s) still alive? */
  isProcessAlive(id: string): boolean;
  /**
   * A ResourceManager restart with work-preserving recovery (yarn.resourcemanager.recovery.enabled,
   * work-preserving-recovery): the REST port refuses connections for `downMs` (default 3000), then
   * serves again on the same port with every application and running container as they are by then
   * (containers live on the NodeManager, so they keep running and finishing meanwhile). New ids carry
   * the new start time. Resolves once it serves again.
   */
  restart(opts?: { downMs?: number }): Promise<void>;
  /** The first half of restart(): the port refuses connections; apps and containers go on. */
  stopServing(): Promise<void>;
  /** The second half: serves again on the same port, as a restarted RM (new start time). */
  startServing(): Promise<void>;
  /** Kills every process group, closes the server, removes the temp workDir it made. Idempotent. */
  close(): Promise<void>;
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function startRmEmulator(opts?: RmEmulatorOptions): Promise<RmEmulator> {
  const config = compileOptions(opts);
  const ownsWorkDir = config.workDir === undefined;
  const workDir = config.workDir ?? (await mkdtemp(join(tmpdir(), 'sluice-rm-emulator-')));
  mkdirSync(workDir, { recursive: true });

  let url = '';
  const scheduler = new EmulatedScheduler(config.queues);
  const ctx: RmContext = {
    config,
    registry: new AppRegistry(config.clusterTimestamp),
    lifecycle: new AppLifecycle(config, workDir, () => url, scheduler),
    scheduler,
    faults: new HttpFaults(config.latencyMs),
    stats: new RequestStats(),
    ha: { state: config.haState, activeUrl: null },
    url: () => url,
  };
  // A Fastify instance cannot listen again once closed: each (re)start builds a fresh one over the
  // same context, so the apps, their timers and their processes never notice the restart.
  let server: FastifyInstance | null = buildEmulatorApp(ctx);
  await server.listen({ host: config.host, port: config.port });
  const port = (server.server.address() as AddressInfo).port;
  url = `http://${hostForUrl(config.host)}:${port}`;
  config.logger.info({ url, workDir, haState: config.haState }, 'RM emulator listening');

  let closing: Promise<void> | null = null;
  const stopServing = async (): Promise<void> => {
    if (closing) throw new Error('RM emulator: closed');
    const current = server;
    server = null;
    // forceCloseConnections: keep-alive sockets are cut too, as when the RM's JVM goes away.
    await current?.close();
    config.logger.info({ url }, 'RM emulator stopped serving (restart)');
  };
  const startServing = async (): Promise<void> => {
    if (closing) throw new Error('RM emulator: closed');
    if (server) return;
    const next = buildEmulatorApp(ctx);
    await next.listen({ host: config.host, port });
    server = next;
    ctx.registry.restarted(Date.now());
    config.logger.info({ url, clusterTimestamp: ctx.registry.clusterTimestamp }, 'RM emulator serving again (restarted)');
  };
  const close = async (): Promise<void> => {
    // Every step runs even if an earlier one throws; the first error is rethrown at the end.
    const errors: unknown[] = [];
    for (const app of ctx.registry.all()) {
      try {
        ctx.lifecycle.destroy(app);
      } catch (err) {
        errors.push(err);
      }
    }
    try {
      const current = server;
      server = null;
      await current?.close();
    } catch (err) {
      errors.push(err);
    }
    if (ownsWorkDir) {
      try {
        rmSync(workDir, { recursive: true, force: true });
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length > 0) throw errors[0];
  };

  return {
    url,
    requestCount: (filter) => ctx.faults.count(filter),
    resetRequestCount: () => ctx.faults.resetCount(),
    setLatency: (ms, route) => {
      if (!Number.isFinite(ms) || ms < 0) throw new Error('setLatency: ms must be ≥ 0');
      if (route) ctx.faults.routeLatency = ms > 0 ? { method: route.method.toUpperCase(), path: route.path, ms } : null;
      else {
        ctx.faults.latencyMs = ms;
        ctx.faults.routeLatency = null;
      }
    },
    injectFailure: (f) => ctx.faults.inject(f),
    clearFailures: () => ctx.faults.clear(),
    queues: () => scheduler.queues(),
    setQueues: (names) => scheduler.setQueues(names),
    setStandby: (activeUrl) => {
      ctx.ha.state = 'STANDBY';
      ctx.ha.activeUrl = activeUrl;
    },
    setActive: () => {
      ctx.ha.state = 'ACTIVE';
      ctx.ha.activeUrl = null;
    },
    application: (id) => {
      const app = ctx.registry.find(id);
      if (!app) return undefined;
      const first = app.containers[0];
      return {
        id: app.id,
        state: yarnState(app),
        finalStatus: app.finalStatus,
        pid: first?.pgid ?? null,
        workDir: first?.child ? first.dir : null,
      };
    },
    requestStats: () => ctx.stats.view(),
    releaseHeld: (select) => ctx.lifecycle.releaseHeld(select).map((a) => a.id),
    isProcessAlive: (id) => {
      const app = ctx.registry.find(id);
      return !!app && app.containers.some((c) => c.pgid !== null && isGroupAlive(c.pgid));
    },
    stopServing,
    startServing,
    restart: async (opts) => {
      const downMs = opts?.downMs ?? 3000;
      if (!Number.isFinite(downMs) || downMs < 0) throw new Error('restart: downMs must be ≥ 0');
      await stopServing();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await startServing();
    },
    close: () => (closing ??= close()),
  };
}
