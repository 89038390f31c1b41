// A real Hadoop YARN on this machine, for `sluice dev` and the tests: a ResourceManager and a
// NodeManager as separate JVMs, from Maven Central's jars, configured from test/yarn/conf (YARN.md,
// "A real cluster on our machines"). Not MiniYARNCluster: real RPC, a REST port of our choosing,
// and the RM can be killed and restarted (its state store keeps applications).

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  assertRunning, clusterLayout, defaultLog, killLeftoverContainers, NM_MAIN, prepareYarn, READY_TIMEOUT_MS, RM_MAIN,
  spawnYarnJava, stopDaemon, tailOf, writeConf, type YarnDaemon,
} from './yarn-daemons.ts';
import { freePort } from './ports.ts';

export interface LocalYarnOptions {
  /** The RM's REST port; a free one by default. */
  webPort?: number;
  /** Where conf, NM dirs, RM state and daemon logs go; a fresh temp folder by default. Removed by stop(). */
  scratchDir?: string;
  /** Progress lines (jar download, daemon start/stop). Default: stderr, prefixed. */
  log?: (line: string) => void;
  /**
   * Hadoop's default (false): a REST call without ?user.name= runs as the static user "dr.who",
   * writes included. true sets hadoop.http.authentication.simple.anonymous.allowed=false: every
   * call without user.name, reads included, answers 401 (HTML, WWW-Authenticate: PseudoAuth).
   */
  requireUserName?: boolean;
  /** Aborting it during start-up kills the JVMs and rejects. */
  signal?: AbortSignal;
}

/** What a running local YARN offers, single RM or HA pair alike. */
export interface LocalYarnCluster {
  /** http://127.0.0.1:<webPort> (the HA pair: rm1's) */
  rmUrl: string;
  scratchDir: string;
  /** The folder of every Hadoop jar (the cache, shared between runs: never write to it). */
  libDir: string;
  hadoopVersion: string;
  /** From spawning the JVMs to an active RM with activeNodes ≥ 1 (jar download excluded). */
  startupMs: number;
  /** Absolute path of hadoop-yarn-applications-distributedshell-<version>.jar. */
  distributedShellJar: string;
  /** The DS AM's CLASSPATH env value: the AM's own dir, the cluster conf, every Hadoop jar. */
  amClasspath: string;
  /** A region's hadoopJarCommand for this cluster: [<hadoopHome>/bin/hadoop, 'jar'] (a RunJar shim). */
  hadoopJarCommand: string[];
  /** The conf dir the NodeManager and containers use (they see it as $HADOOP_CONF_DIR). */
  confDir: string;
  /** Hadoop's "home" (HADOOP_HOME etc. of the daemons and containers): share/hadoop/* link to libDir. */
  hadoopHome: string;
  /** The NodeManager's container log dir (<log-dirs>/<app>/<container>/stdout|stderr). */
  nmLogDir: string;
  /** Daemon logs under <scratch>/logs. */
  logsDir: string;
  /** Stops every JVM, then any container process left, and removes the scratch folder. */
  stop(): Promise<void>;
}

export interface LocalYarn extends LocalYarnCluster {
  /** Absolute path of hadoop-mapreduce-examples-<version>.jar. */
  mapreduceExamplesJar: string;
  /** The JVMs' pids (RM, NM), while they run. */
  pids(): number[];
  /** Kills the RM JVM (SIGTERM by default; SIGKILL for a crash) and waits for it to be gone. */
  killRm(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the RM again (same ports, same state store) and waits for the NM to re-register. */
  startRm(): Promise<void>;
  /** Stops both JVMs cleanly (the NM first: it kills its containers), then any container left; removes the scratch folder. */
  stop(): Promise<void>;
  /** SIGKILLs both JVMs and every container process, now (a forced stop). */
  kill(): void;
}

export async function startLocalYarn(opts: LocalYarnOptions = {}): Promise<LocalYarn> {
  const log = opts.log ?? defaultLog('real-yarn');
  const y = await prepareYarn({ scratchDir: opts.scratchDir, prefix: 'sluice-yarn-', log });
  opts.signal?.throwIfAborted();
  const { scratchDir, confDir, logsDir, libDir, home, version } = y;

  const ports: Record<string, number> = {
    RM_WEB_PORT: opts.webPort ?? (await freePort()),
    RM_PORT: await freePort(),
    RM_SCHEDULER_PORT: await freePort(),
    RM_TRACKER_PORT: await freePort(),
    RM_ADMIN_PORT: await freePort(),
    NM_PORT: await freePort(),
    NM_LOCALIZER_PORT: await freePort(),
    NM_WEB_PORT: await freePort(),
    SHUFFLE_PORT: await freePort(),
  };
  writeConf(confDir, {
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    SCRATCH: scratchDir, HADOOP_CONF_DIR: confDir, LIB_DIR: libDir, HADOOP_HOME: home,
    ANONYMOUS_ALLOWED: String(!opts.requireUserName),
  });

  const rmUrl = `http://127.0.0.1:${ports.RM_WEB_PORT}`;
  const spawnDaemon = (name: 'resourcemanager' | 'nodemanager', main: string): YarnDaemon => {
    const d = spawnYarnJava(y, name, main, confDir);
    log(`${name} started (pid ${d.proc.pid}), log ${join(logsDir, `${name}.log`)}`);
    return d;
  };

  /** Polls the RM's metrics until a NodeManager is active; fails fast if a daemon dies. */
  const waitReady = async (daemons: YarnDaemon[]): Promise<void> => {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      opts.signal?.throwIfAborted();
      assertRunning(y, daemons, 'before YARN was ready');
      try {
        const res = await fetch(`${rmUrl}/ws/v1/cluster/metrics?user.name=${encodeURIComponent(y.env.USER ?? 'root')}`, { signal: AbortSignal.timeout(2000), headers: { accept: 'application/json' } });
        if (res.ok) {
          const body = (await res.json()) as { clusterMetrics?: { activeNodes?: number } };
          if ((body.clusterMetrics?.activeNodes ?? 0) >= 1) return;
        }
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        throw new Error(`YARN not ready within ${READY_TIMEOUT_MS} ms:\n${tailOf(join(logsDir, 'resourcemanager.log'))}\n---\n${tailOf(join(logsDir, 'nodemanager.log'))}`);
      }
      await sleep(250);
    }
  };

  const removeScratch = () => {
    if (!process.env.SLUICE_KEEP_YARN_SCRATCH) rmSync(scratchDir, { recursive: true, force: true });
  };
  const started = performance.now();
  let rm: YarnDaemon | undefined = spawnDaemon('resourcemanager', RM_MAIN);
  let nm: YarnDaemon | undefined = spawnDaemon('nodemanager', NM_MAIN);
  try {
    await waitReady([rm, nm]);
  } catch (err) {
    await Promise.all([stopDaemon(nm, log, 'SIGKILL'), stopDaemon(rm, log, 'SIGKILL')]);
    removeScratch();
    throw err;
  }
  const startupMs = Math.round(performance.now() - started);
  log(`YARN ${version} ready at ${rmUrl} in ${startupMs} ms`);

  let stopped = false;
  return {
    rmUrl,
    ...clusterLayout(y, startupMs),
    mapreduceExamplesJar: join(libDir, `hadoop-mapreduce-examples-${version}.jar`),
    pids: () => [rm, nm].filter((d) => d?.proc.running).map((d) => d!.proc.pid),
    async killRm(signal: NodeJS.Signals = 'SIGTERM') {
      await stopDaemon(rm, log, signal);
      rm = undefined;
    },
    async startRm() {
      if (rm?.proc.running) throw new Error('the ResourceManager is running');
      rm = spawnDaemon('resourcemanager', RM_MAIN);
      await waitReady(nm ? [rm, nm] : [rm]);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      // The NM first: on a clean stop it kills its containers (NM recovery is off). After a job its
      // deletion and log services wait out their thread pools (~15 s): past 4 s, SIGKILL it and
      // clean up containers below instead.
      await stopDaemon(nm, log, 'SIGTERM', 4000);
      await stopDaemon(rm, log, 'SIGTERM', 4000);
      nm = rm = undefined;
      killLeftoverContainers(join(scratchDir, 'nm-local'), log);
      removeScratch();
    },
    kill() {
      nm?.proc.kill();
      rm?.proc.kill();
      killLeftoverContainers(join(scratchDir, 'nm-local'), log);
    },
  };
}
