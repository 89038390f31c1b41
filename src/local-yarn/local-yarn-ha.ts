// A real ResourceManager HA pair for tests: rm1 and rm2 (two JVMs) + one NodeManager, Hadoop's
// manual failover (no ZooKeeper), one FileSystemRMStateStore shared on a scratch folder, recovery on.
// Both RMs start STANDBY; startLocalYarnHa() makes rm1 active with RMAdminCLI -transitionToActive
// right away (the NM gives up after ~25 s with no active RM). A standby answers REST calls with 307
// (only /ws/v1/cluster/info answers there, with its haState).
//
// Config: test/yarn/conf-ha/yarn-site.xml + the other templates of test/yarn/conf. Each RM gets its
// own copy of the conf dir with yarn.resourcemanager.ha.id set; the NM, the containers and
// RMAdminCLI use the shared one (without it).

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  assertRunning, clusterLayout, defaultLog, killLeftoverContainers, NM_MAIN, prepareYarn, READY_TIMEOUT_MS, RM_MAIN,
  spawnYarnJava, stopDaemon, tailOf, writeConf, type YarnDaemon,
} from './yarn-daemons.ts';
import { freePort } from './ports.ts';
import type { LocalYarnCluster } from './local-yarn.ts';

const ADMIN_MAIN = 'org.apache.hadoop.yarn.client.cli.RMAdminCLI';

export type RmId = 'rm1' | 'rm2';
export const RM_IDS: readonly RmId[] = ['rm1', 'rm2'];

export interface LocalYarnHaOptions {
  /** Where conf, NM dirs, RM state and daemon logs go; a fresh temp folder by default. Removed by stop(). */
  scratchDir?: string;
  /** Progress lines. Default: stderr, prefixed. */
  log?: (line: string) => void;
}

/** confDir has no yarn.resourcemanager.ha.id (RMAdminCLI uses it too); logsDir holds resourcemanager-rm1.log, -rm2.log, nodemanager.log, admin.log. */
export interface LocalYarnHa extends LocalYarnCluster {
  /** [rm1's REST URL, rm2's]: http://127.0.0.1:<port> each. */
  rmUrls: string[];
  /** id → REST URL. */
  rmUrlOf: Record<RmId, string>;
  /** Kills one RM's JVM (SIGTERM by default; SIGKILL for a crash) and waits for it to be gone. */
  killRm(id: RmId, signal?: NodeJS.Signals): Promise<void>;
  /** Starts one RM again (same ports, same state store) and waits until it answers (STANDBY). */
  startRm(id: RmId): Promise<void>;
  /**
   * RMAdminCLI -transitionToActive <id> (with --forceactive when the other RM is not running), then
   * waits until it is ACTIVE with a NodeManager registered.
   */
  transitionToActive(id: RmId): Promise<void>;
  /** The RM's haState from /ws/v1/cluster/info, or undefined when it does not answer. */
  haState(id: RmId): Promise<string | undefined>;
}

export async function startLocalYarnHa(opts: LocalYarnHaOptions = {}): Promise<LocalYarnHa> {
  const log = opts.log ?? defaultLog('real-yarn-ha');
  const y = await prepareYarn({ scratchDir: opts.scratchDir, prefix: 'sluice-yarn-ha-', log });
  const { scratchDir, confDir, logsDir, libDir, home, version } = y;

  const ports: Record<string, number> = {};
  for (const id of ['RM1', 'RM2']) {
    for (const p of ['PORT', 'SCHEDULER_PORT', 'TRACKER_PORT', 'ADMIN_PORT', 'WEB_PORT', 'HTTPS_PORT']) {
      ports[`${id}_${p}`] = await freePort();
    }
  }
  for (const p of ['NM_PORT', 'NM_LOCALIZER_PORT', 'NM_WEB_PORT']) ports[p] = await freePort();
  const values: Record<string, string> = {
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    SCRATCH: scratchDir, HADOOP_CONF_DIR: confDir, LIB_DIR: libDir, HADOOP_HOME: home,
    ANONYMOUS_ALLOWED: 'true', HA_ID: '',
  };
  writeConf(confDir, values, 'conf-ha');
  const rmConfDir = (id: RmId) => join(scratchDir, `conf-${id}`);
  for (const id of RM_IDS) {
    writeConf(rmConfDir(id), {
      ...values,
      HA_ID: `  <property><name>yarn.resourcemanager.ha.id</name><value>${id}</value></property>`,
    }, 'conf-ha');
  }

  const rmUrlOf: Record<RmId, string> = {
    rm1: `http://127.0.0.1:${ports.RM1_WEB_PORT}`,
    rm2: `http://127.0.0.1:${ports.RM2_WEB_PORT}`,
  };

  const rms: Partial<Record<RmId, YarnDaemon>> = {};
  let nm: YarnDaemon | undefined;
  const isUp = (d: YarnDaemon | undefined) => d?.proc.running ?? false;
  const startRmDaemon = (id: RmId) => {
    const d = spawnYarnJava(y, `resourcemanager-${id}`, RM_MAIN, rmConfDir(id));
    log(`${id} started (pid ${d.proc.pid}), log ${join(logsDir, `${d.name}.log`)}`);
    rms[id] = d;
    return d;
  };

  const user = encodeURIComponent(y.env.USER ?? 'root');
  const getJson = async (url: string): Promise<any> => {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000), headers: { accept: 'application/json' }, redirect: 'manual' });
      if (!res.ok) return undefined;
      return await res.json();
    } catch {
      return undefined;
    }
  };
  const haState = async (id: RmId): Promise<string | undefined> =>
    (await getJson(`${rmUrlOf[id]}/ws/v1/cluster/info?user.name=${user}`))?.clusterInfo?.haState as string | undefined;

  /** Polls until `ready` holds; fails fast if one of `daemons` dies. */
  const waitFor = async (what: string, daemons: YarnDaemon[], ready: () => Promise<boolean>): Promise<void> => {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      assertRunning(y, daemons, `while waiting for ${what}`);
      if (await ready()) return;
      if (Date.now() > deadline) {
        throw new Error(`${what}: not within ${READY_TIMEOUT_MS} ms:\n${daemons.map((d) => `--- ${d.name}\n${tailOf(join(logsDir, `${d.name}.log`))}`).join('\n')}`);
      }
      await sleep(200);
    }
  };

  const waitAnswering = (id: RmId) => waitFor(`${id} answering`, [rms[id]!], async () => (await haState(id)) !== undefined);

  const transitionToActive = async (id: RmId): Promise<void> => {
    const rm = rms[id];
    if (!rm || !isUp(rm)) throw new Error(`${id} is not running`);
    await waitAnswering(id);
    const started = performance.now();
    // RMAdminCLI first checks that no other RM is active, and fails when one does not answer: with
    // the other RM down, --forceactive skips that check (there is nothing to check).
    const other = RM_IDS.find((o) => o !== id)!;
    const args = ['-transitionToActive', ...(isUp(rms[other]) ? [] : ['--forceactive']), id];
    const admin = spawnYarnJava(y, 'admin', ADMIN_MAIN, confDir, args, '256m');
    const code = await admin.proc.exited;
    if (code !== 0) throw new Error(`RMAdminCLI -transitionToActive ${id} exited ${code}:\n${tailOf(join(logsDir, 'admin.log'), 20)}`);
    await waitFor(`${id} ACTIVE with a NodeManager`, nm ? [rm, nm] : [rm], async () => {
      if ((await haState(id)) !== 'ACTIVE') return false;
      const metrics = await getJson(`${rmUrlOf[id]}/ws/v1/cluster/metrics?user.name=${user}`);
      return (metrics?.clusterMetrics?.activeNodes ?? 0) >= 1;
    });
    log(`${id} ACTIVE with a NodeManager ${Math.round(performance.now() - started)} ms after -transitionToActive`);
  };

  const cleanup = async () => {
    await stopDaemon(nm, log);
    await Promise.all(RM_IDS.map((id) => stopDaemon(rms[id], log)));
    nm = undefined;
    for (const id of RM_IDS) delete rms[id];
    killLeftoverContainers(join(scratchDir, 'nm-local'), log);
    if (!process.env.SLUICE_KEEP_YARN_SCRATCH) rmSync(scratchDir, { recursive: true, force: true });
  };

  const started = performance.now();
  try {
    for (const id of RM_IDS) startRmDaemon(id);
    nm = spawnYarnJava(y, 'nodemanager', NM_MAIN, confDir);
    log(`nodemanager started (pid ${nm.proc.pid})`);
    await transitionToActive('rm1');
    await waitAnswering('rm2');
  } catch (err) {
    await cleanup();
    throw err;
  }
  const startupMs = Math.round(performance.now() - started);
  log(`YARN ${version} HA ready (rm1 ACTIVE at ${rmUrlOf.rm1}, rm2 STANDBY at ${rmUrlOf.rm2}) in ${startupMs} ms`);

  let stopped = false;
  return {
    rmUrls: [rmUrlOf.rm1, rmUrlOf.rm2],
    rmUrl: rmUrlOf.rm1,
    rmUrlOf,
    ...clusterLayout(y, startupMs),
    async killRm(id: RmId, signal: NodeJS.Signals = 'SIGTERM') {
      await stopDaemon(rms[id], log, signal);
      delete rms[id];
    },
    async startRm(id: RmId) {
      if (isUp(rms[id])) throw new Error(`${id} is running`);
      startRmDaemon(id);
      await waitAnswering(id);
    },
    transitionToActive,
    haState,
    async stop() {
      if (stopped) return;
      stopped = true;
      await cleanup();
    },
  };
}
