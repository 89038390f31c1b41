// A real ResourceManager HA pair for tests: rm1 and rm2 (two JVMs) + one NodeManager, Hadoop's
// manual failover (no ZooKeeper), one FileSystemRMStateStore shared on a scratch folder, recovery on.
// Both RMs start STANDBY; startRealYarnHa() makes rm1 active with RMAdminCLI -transitionToActive
// right away (the NM gives up after ~25 s with no active RM). A standby answers REST calls with 307
// (only /ws/v1/cluster/info answers there, with its haState).
//
//   node --import tsx test/support/real-yarn-ha.ts      starts one, prints the RM URLs, stops on Ctrl-C
//
// Config: test/yarn/conf-ha/yarn-site.xml + the other templates of test/yarn/conf. Each RM gets its
// own copy of the conf dir with yarn.resourcemanager.ha.id set; the NM, the containers and
// RMAdminCLI use the shared one (without it).

import { spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync,
  realpathSync, rmSync, writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ADD_OPENS, ensureHadoopJars, freePort, javaHome, killLeftoverContainers, tailOf, YARN_DIR } from './real-yarn.ts';

export { javaAvailable } from './real-yarn.ts';

const CONF_TEMPLATES = join(YARN_DIR, 'conf');
const HA_TEMPLATES = join(YARN_DIR, 'conf-ha');

const RM_MAIN = 'org.apache.hadoop.yarn.server.resourcemanager.ResourceManager';
const NM_MAIN = 'org.apache.hadoop.yarn.server.nodemanager.NodeManager';
const ADMIN_MAIN = 'org.apache.hadoop.yarn.client.cli.RMAdminCLI';
const READY_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 20_000;

export type RmId = 'rm1' | 'rm2';
export const RM_IDS: readonly RmId[] = ['rm1', 'rm2'];

export interface RealYarnHaOptions {
  /** Where conf, NM dirs, RM state and daemon logs go; a fresh temp folder by default. Removed by stop(). */
  scratchDir?: string;
  /** Progress lines. Default: stderr, prefixed. */
  log?: (line: string) => void;
}

export interface RealYarnHa {
  /** [rm1's REST URL, rm2's]: http://127.0.0.1:<port> each. */
  rmUrls: string[];
  /** rmUrls[0] (rm1). */
  rmUrl: string;
  /** id → REST URL. */
  rmUrlOf: Record<RmId, string>;
  scratchDir: string;
  libDir: string;
  hadoopVersion: string;
  /** From spawning the JVMs to rm1 ACTIVE with activeNodes ≥ 1 (jar download excluded). */
  startupMs: number;
  distributedShellJar: string;
  amClasspath: string;
  hadoopJarCommand: string[];
  /** The shared conf dir (NM, containers, RMAdminCLI): no yarn.resourcemanager.ha.id. */
  confDir: string;
  hadoopHome: string;
  nmLogDir: string;
  /** resourcemanager-rm1.log, resourcemanager-rm2.log, nodemanager.log, admin.log. */
  logsDir: string;
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
  /** Stops every JVM, then any container process left, and removes the scratch folder. */
  stop(): Promise<void>;
}

interface Daemon {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function defaultLog(line: string): void {
  process.stderr.write(`[real-yarn-ha] ${line}\n`);
}

function writeConf(dir: string, values: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  const haFiles = new Set(readdirSync(HA_TEMPLATES));
  const files = [
    ...readdirSync(CONF_TEMPLATES).filter((f) => !haFiles.has(f)).map((f) => join(CONF_TEMPLATES, f)),
    ...[...haFiles].map((f) => join(HA_TEMPLATES, f)),
  ];
  for (const path of files) {
    const text = readFileSync(path, 'utf8').replace(/@@([A-Z0-9_]+)@@/g, (all, key: string) => {
      const value = values[key];
      if (value === undefined) throw new Error(`${path}: unknown placeholder ${all}`);
      return value;
    });
    writeFileSync(join(dir, path.slice(path.lastIndexOf('/') + 1)), text);
  }
}

export async function startRealYarnHa(opts: RealYarnHaOptions = {}): Promise<RealYarnHa> {
  const log = opts.log ?? defaultLog;
  const { version, home, libDir } = await ensureHadoopJars(log);
  const java = join(javaHome(), 'bin', 'java');

  const scratchDir = opts.scratchDir ?? mkdtempSync(join(tmpdir(), 'sluice-yarn-ha-'));
  const confDir = join(scratchDir, 'conf');
  const logsDir = join(scratchDir, 'logs');
  const nmLogDir = join(scratchDir, 'nm-logs');
  for (const d of [logsDir, nmLogDir, join(scratchDir, 'nm-local'), join(scratchDir, 'tmp'), join(scratchDir, 'rm-state')]) {
    mkdirSync(d, { recursive: true });
  }

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
  writeConf(confDir, values);
  const rmConfDir = (id: RmId) => join(scratchDir, `conf-${id}`);
  for (const id of RM_IDS) {
    writeConf(rmConfDir(id), {
      ...values,
      HA_ID: `  <property><name>yarn.resourcemanager.ha.id</name><value>${id}</value></property>`,
    });
  }

  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: process.env.HOME ?? homedir(),
    LANG: process.env.LANG ?? 'C.UTF-8',
    USER: process.env.USER ?? 'root',
    JAVA_HOME: dirname(dirname(java)),
    HADOOP_CONF_DIR: confDir,
    HADOOP_HOME: home, HADOOP_COMMON_HOME: home, HADOOP_HDFS_HOME: home,
    HADOOP_YARN_HOME: home, HADOOP_MAPRED_HOME: home,
  };
  if (process.env.TZ) env.TZ = process.env.TZ;

  const rmUrlOf: Record<RmId, string> = {
    rm1: `http://127.0.0.1:${ports.RM1_WEB_PORT}`,
    rm2: `http://127.0.0.1:${ports.RM2_WEB_PORT}`,
  };

  const spawnJava = (name: string, main: string, conf: string, args: string[] = [], xmx = '512m'): Daemon => {
    const file = join(logsDir, `${name}.log`);
    const fd = openSync(file, 'a');
    // setpriv --pdeathsig: the JVM gets SIGTERM if this process dies without stop().
    const [cmd, ...pre] = SETPRIV ? [SETPRIV, '--pdeathsig', 'TERM', '--', java] : [java];
    const child = spawn(cmd!, [
      ...pre,
      `-Xmx${xmx}`, '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xshare:auto',
      ...ADD_OPENS,
      `-Dhadoop.home.dir=${home}`, `-Dhadoop.log.dir=${logsDir}`, `-Dyarn.log.dir=${logsDir}`,
      `-Dhadoop.log.file=${name}.log`, `-Dhadoop.id.str=${env.USER}`, '-Djava.net.preferIPv4Stack=true',
      '-cp', `${conf}:${libDir}/*`, main, ...args,
    ], { cwd: scratchDir, env, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    live.add(child);
    const exited = new Promise<number | null>((res) => child.once('exit', (code) => { live.delete(child); res(code); }));
    return { name, child, exited };
  };

  const stopDaemon = async (d: Daemon | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    if (!d || d.child.exitCode !== null || d.child.signalCode !== null) return;
    d.child.kill(signal);
    const gone = await Promise.race([d.exited.then(() => true), sleep(STOP_TIMEOUT_MS).then(() => false)]);
    if (!gone) {
      log(`${d.name} did not stop within ${STOP_TIMEOUT_MS} ms of ${signal}: SIGKILL`);
      d.child.kill('SIGKILL');
      await d.exited;
    }
  };

  const rms: Partial<Record<RmId, Daemon>> = {};
  let nm: Daemon | undefined;
  const startRmDaemon = (id: RmId) => {
    const d = spawnJava(`resourcemanager-${id}`, RM_MAIN, rmConfDir(id));
    log(`${id} started (pid ${d.child.pid}), log ${join(logsDir, `${d.name}.log`)}`);
    rms[id] = d;
    return d;
  };

  const user = encodeURIComponent(env.USER ?? 'root');
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
  const waitFor = async (what: string, daemons: Daemon[], ready: () => Promise<boolean>): Promise<void> => {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      for (const d of daemons) {
        if (d.child.exitCode !== null || d.child.signalCode !== null) {
          throw new Error(`${d.name} exited (${d.child.exitCode ?? d.child.signalCode}) while waiting for ${what}:\n`
            + tailOf(join(logsDir, `${d.name}.log`)));
        }
      }
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
    if (!rm || rm.child.exitCode !== null || rm.child.signalCode !== null) throw new Error(`${id} is not running`);
    await waitAnswering(id);
    const started = performance.now();
    // RMAdminCLI first checks that no other RM is active, and fails when one does not answer: with
    // the other RM down, --forceactive skips that check (there is nothing to check).
    const other = RM_IDS.find((o) => o !== id)!;
    const otherDown = !rms[other] || rms[other]!.child.exitCode !== null || rms[other]!.child.signalCode !== null;
    const args = ['-transitionToActive', ...(otherDown ? ['--forceactive'] : []), id];
    const admin = spawnJava('admin', ADMIN_MAIN, confDir, args, '256m');
    const code = await admin.exited;
    if (code !== 0) throw new Error(`RMAdminCLI -transitionToActive ${id} exited ${code}:\n${tailOf(join(logsDir, 'admin.log'), 20)}`);
    await waitFor(`${id} ACTIVE with a NodeManager`, nm ? [rm, nm] : [rm], async () => {
      if ((await haState(id)) !== 'ACTIVE') return false;
      const metrics = await getJson(`${rmUrlOf[id]}/ws/v1/cluster/metrics?user.name=${user}`);
      return (metrics?.clusterMetrics?.activeNodes ?? 0) >= 1;
    });
    log(`${id} ACTIVE with a NodeManager ${Math.round(performance.now() - started)} ms after -transitionToActive`);
  };

  const cleanup = async () => {
    await stopDaemon(nm);
    await Promise.all(RM_IDS.map((id) => stopDaemon(rms[id])));
    nm = undefined;
    for (const id of RM_IDS) delete rms[id];
    killLeftoverContainers(join(scratchDir, 'nm-local'), log);
    if (!process.env.SLUICE_KEEP_YARN_SCRATCH) rmSync(scratchDir, { recursive: true, force: true });
  };

  const started = performance.now();
  try {
    for (const id of RM_IDS) startRmDaemon(id);
    nm = spawnJava('nodemanager', NM_MAIN, confDir);
    log(`nodemanager started (pid ${nm.child.pid})`);
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
    scratchDir,
    libDir,
    hadoopVersion: version,
    startupMs,
    distributedShellJar: join(libDir, `hadoop-yarn-applications-distributedshell-${version}.jar`),
    amClasspath: `./*<CPS>{{HADOOP_CONF_DIR}}<CPS>${libDir}/*`,
    hadoopJarCommand: [join(home, 'bin', 'hadoop'), 'jar'],
    confDir,
    hadoopHome: home,
    nmLogDir,
    logsDir,
    async killRm(id: RmId, signal: NodeJS.Signals = 'SIGTERM') {
      await stopDaemon(rms[id], signal);
      delete rms[id];
    },
    async startRm(id: RmId) {
      const rm = rms[id];
      if (rm && rm.child.exitCode === null && rm.child.signalCode === null) throw new Error(`${id} is running`);
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

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let yarn: RealYarnHa | undefined;
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    console.log('stopping…');
    if (!yarn) process.exit(130);
    yarn.stop().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  yarn = await startRealYarnHa();
  console.log(`ResourceManagers: ${yarn.rmUrls.join(' ')} (rm1 ACTIVE)`);
  console.log(`Hadoop ${yarn.hadoopVersion}, started in ${yarn.startupMs} ms`);
  console.log(`scratch: ${yarn.scratchDir}`);
  console.log('Ctrl-C stops it.');
  if (stopping) stop();
}
