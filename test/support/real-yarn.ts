// A real Hadoop YARN for tests and the local stack: a ResourceManager and a NodeManager as separate
// JVMs, from Maven Central's jars (test/yarn/pom.xml), configured from test/yarn/conf (YARN.md, "A real
// cluster on our machines"). Not MiniYARNCluster: real RPC, a REST port of our choosing, and the RM
// can be killed and restarted (its state store keeps applications).
//
//   node --import tsx test/support/real-yarn.ts      starts one, prints the RM URL, stops on Ctrl-C
//
// The jars are fetched once into ~/.cache/sluice/hadoop-<version>/lib (SLUICE_HADOOP_CACHE overrides
// the folder), by Maven, and reused by every later run.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import {
  existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, readdirSync, readlinkSync,
  realpathSync, renameSync, rmSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
export const YARN_DIR = resolve(HERE, '../yarn');
const POM = join(YARN_DIR, 'pom.xml');
const CONF_TEMPLATES = join(YARN_DIR, 'conf');

/** Java 17 needs these for Guice 4 / Jersey 1 in the RM and NM (YARN.md; HADOOP-19310's list). */
export const ADD_OPENS = [
  'java.base/java.lang', 'java.base/java.io', 'java.base/java.lang.reflect', 'java.base/java.math',
  'java.base/java.net', 'java.base/java.text', 'java.base/java.util', 'java.base/java.util.concurrent',
  'java.base/java.util.zip', 'java.base/sun.security.util', 'java.base/sun.security.x509',
  'java.base/sun.net.dns', 'java.base/sun.net.util',
].map((p) => `--add-opens=${p}=ALL-UNNAMED`);

const RM_MAIN = 'org.apache.hadoop.yarn.server.resourcemanager.ResourceManager';
const NM_MAIN = 'org.apache.hadoop.yarn.server.nodemanager.NodeManager';
const READY_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 20_000;

export interface RealYarnOptions {
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
}

export interface RealYarn {
  /** http://127.0.0.1:<webPort> */
  rmUrl: string;
  scratchDir: string;
  /** The folder of every Hadoop jar (the cache, shared between runs: never write to it). */
  libDir: string;
  hadoopVersion: string;
  /** From spawning the JVMs to activeNodes ≥ 1 (jar download excluded). */
  startupMs: number;
  /** Absolute path of hadoop-yarn-applications-distributedshell-<version>.jar. */
  distributedShellJar: string;
  /** The DS AM's CLASSPATH env value: the AM's own dir, the cluster conf, every Hadoop jar. */
  amClasspath: string;
  /** Absolute path of hadoop-mapreduce-examples-<version>.jar. */
  mapreduceExamplesJar: string;
  /** A region's hadoopJarCommand for this cluster: [<hadoopHome>/bin/hadoop, 'jar'] (a RunJar shim). */
  hadoopJarCommand: string[];
  /** The conf dir the daemons use (the containers see it as $HADOOP_CONF_DIR). */
  confDir: string;
  /** Hadoop's "home" (HADOOP_HOME etc. of the daemons and containers): share/hadoop/* link to libDir. */
  hadoopHome: string;
  /** The NodeManager's container log dir (<log-dirs>/<app>/<container>/stdout|stderr). */
  nmLogDir: string;
  /** Daemon logs: <scratch>/logs/resourcemanager.log and nodemanager.log. */
  logsDir: string;
  /** Kills the RM JVM (SIGTERM by default; SIGKILL for a crash) and waits for it to be gone. */
  killRm(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the RM again (same ports, same state store) and waits for the NM to re-register. */
  startRm(): Promise<void>;
  /** Stops both JVMs cleanly, then any container process left, and removes the scratch folder. */
  stop(): Promise<void>;
}

/** The Hadoop version the pom fetches (its <hadoop.version>). */
export function hadoopVersion(): string {
  const m = /<hadoop\.version>([^<]+)<\/hadoop\.version>/.exec(readFileSync(POM, 'utf8'));
  if (!m?.[1]) throw new Error(`${POM} has no <hadoop.version>`);
  return m[1];
}

/** The cache folder of a Hadoop version; its lib/ holds the jars once complete. */
export function hadoopCacheDir(version = hadoopVersion()): string {
  const base = process.env.SLUICE_HADOOP_CACHE ?? join(homedir(), '.cache', 'sluice');
  return join(base, `hadoop-${version}`);
}

/** What the cache was fetched for: the pom's hash, so editing the pom fetches again. */
function pomStamp(): string {
  return createHash('sha256').update(readFileSync(POM)).digest('hex');
}

function jarsPresent(version: string): boolean {
  try {
    return readFileSync(join(hadoopCacheDir(version), 'lib', '.complete'), 'utf8').trim() === pomStamp();
  } catch {
    return false;
  }
}

function runs(cmd: string, args: string[]): boolean {
  try {
    return spawnSync(cmd, args, { stdio: 'ignore', timeout: 30_000 }).status === 0;
  } catch {
    return false;
  }
}

/** True when a real YARN can be started here: Java ≥ 17, and the jars cached or Maven to fetch them. */
export function javaAvailable(): boolean {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8', timeout: 30_000 });
  if (java.status !== 0) return false;
  const m = /version "(\d+)/.exec(java.stderr ?? '');
  if (!m || Number(m[1]) < 17) return false;
  return jarsPresent(hadoopVersion()) || runs('mvn', ['-v']);
}

export function javaHome(): string {
  if (process.env.JAVA_HOME && existsSync(join(process.env.JAVA_HOME, 'bin', 'java'))) return process.env.JAVA_HOME;
  const which = spawnSync('sh', ['-c', 'command -v java'], { encoding: 'utf8' }).stdout.trim();
  if (!which) throw new Error('java is not on PATH');
  return dirname(dirname(realpathSync(which)));
}

/**
 * Makes sure the jars are in the cache (Maven, once; about 90 MB) and the cache looks like a Hadoop
 * install (share/hadoop/{common,hdfs,yarn,mapreduce} → lib), so the classpaths real clusters use
 * ({{HADOOP_COMMON_HOME}}/share/hadoop/common/*, …) work unchanged. Safe to run concurrently.
 */
export async function ensureHadoopJars(log: (line: string) => void = defaultLog): Promise<{ version: string; home: string; libDir: string }> {
  const version = hadoopVersion();
  const home = hadoopCacheDir(version);
  const libDir = join(home, 'lib');
  if (!jarsPresent(version)) {
    mkdirSync(home, { recursive: true });
    const temp = join(home, `lib.${process.pid}.${Date.now()}.tmp`);
    const started = Date.now();
    log(`fetching Hadoop ${version} jars with Maven into ${libDir} (first run only, ~90 MB)…`);
    const mvn = spawn('mvn', [
      '-B', '-f', POM, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${temp}`,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    let downloaded = 0;
    const tail: string[] = [];
    const onLine = (line: string) => {
      tail.push(line);
      if (tail.length > 40) tail.shift();
      if (line.includes('Downloaded from')) {
        downloaded += 1;
        if (downloaded % 100 === 0) log(`  … ${downloaded} files downloaded (${Math.round((Date.now() - started) / 1000)} s)`);
      }
    };
    lines(mvn.stdout, onLine);
    lines(mvn.stderr, onLine);
    const [code] = (await once(mvn, 'exit')) as [number | null];
    if (code !== 0) {
      rmSync(temp, { recursive: true, force: true });
      throw new Error(`mvn dependency:copy-dependencies failed (exit ${code}):\n${tail.join('\n')}`);
    }
    writeFileSync(join(temp, '.complete'), `${pomStamp()}\n`);
    if (existsSync(libDir) && !jarsPresent(version)) {
      // fetched for another pom (or incomplete): set it aside
      renameSync(libDir, join(home, `lib.old.${process.pid}.${Date.now()}`));
    }
    try {
      renameSync(temp, libDir);
    } catch (err) {
      rmSync(temp, { recursive: true, force: true });
      if (!jarsPresent(version)) throw err; // else another process finished first: use its copy
    }
    for (const old of readdirSync(home).filter((f) => f.startsWith('lib.old.'))) {
      rmSync(join(home, old), { recursive: true, force: true });
    }
    const jars = readdirSync(libDir).filter((f) => f.endsWith('.jar')).length;
    log(`Hadoop ${version}: ${jars} jars in ${Math.round((Date.now() - started) / 1000)} s`);
  }
  for (const sub of ['common', 'hdfs', 'yarn', 'mapreduce']) {
    const link = join(home, 'share', 'hadoop', sub);
    if (existsSync(link)) continue;
    mkdirSync(dirname(link), { recursive: true });
    try {
      symlinkSync('../../lib', link);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || readlinkSync(link) !== '../../lib') throw err;
    }
  }
  writeIfChanged(join(home, 'bin', 'hadoop'), HADOOP_SHIM, 0o755);
  return { version, home, libDir };
}

/**
 * A `hadoop` launcher for this jars-only install (Maven has no bin/hadoop): `hadoop jar` is RunJar on
 * $HADOOP_CONF_DIR + lib/*, as the real script does. In a container the NM provides JAVA_HOME and
 * HADOOP_CONF_DIR, so a region's hadoopJarCommand can be ["<home>/bin/hadoop", "jar"].
 */
const HADOOP_SHIM = `#!/usr/bin/env bash
# hadoop for the Maven-jars Hadoop of test/support/real-yarn.ts: jar, classpath, version.
set -euo pipefail
home="$(cd "$(dirname "\${BASH_SOURCE[0]}")/.." && pwd)"
java="\${JAVA_HOME:+\$JAVA_HOME/bin/}java"
cp="\${HADOOP_CONF_DIR:+\$HADOOP_CONF_DIR:}\$home/lib/*\${HADOOP_CLASSPATH:+:\$HADOOP_CLASSPATH}"
cmd="\${1:-}"
[ $# -gt 0 ] && shift
case "\$cmd" in
  jar) exec "\$java" \${HADOOP_CLIENT_OPTS:--Xmx256m} -cp "\$cp" org.apache.hadoop.util.RunJar "\$@" ;;
  classpath) echo "\$cp" ;;
  version) exec "\$java" -cp "\$cp" org.apache.hadoop.util.VersionInfo ;;
  *) echo "usage: hadoop jar <jar> [mainClass] [args...] | hadoop classpath | hadoop version" >&2; exit 1 ;;
esac
`;

function writeIfChanged(path: string, content: string, mode: number): void {
  try {
    if (readFileSync(path, 'utf8') === content) return;
  } catch {
    // absent
  }
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, content, { mode });
  renameSync(temp, path);
}

/**
 * A free port below the kernel's ephemeral range (where listen(0) and every outgoing connection take
 * theirs): 20 JVMs' and the rest of the machine's client sockets can then not take it between the
 * pick and the daemon's bind (seen: the NM's shuffle handler, bound on 0.0.0.0, failing with
 * "Address already in use"). Checked free on 0.0.0.0, which covers 127.0.0.1 too.
 */
const picked = new Set<number>();
export async function freePort(): Promise<number> {
  let low = 32768;
  try {
    low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || low;
  } catch {
    // not Linux: the usual default
  }
  for (let i = 0; i < 200; i++) {
    const port = 10_000 + Math.floor(Math.random() * Math.max(1, low - 10_000));
    if (picked.has(port)) continue;
    if (await canListen(port)) {
      picked.add(port);
      return port;
    }
  }
  return listenOn(0);
}

async function canListen(port: number): Promise<boolean> {
  try {
    await listenOn(port);
    return true;
  } catch {
    return false;
  }
}

async function listenOn(port: number): Promise<number> {
  const server = createServer();
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(port, '0.0.0.0', () => res());
  });
  const bound = (server.address() as { port: number }).port;
  server.close();
  await once(server, 'close');
  return bound;
}


function lines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buf = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buf += chunk;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      onLine(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
  stream.on('end', () => { if (buf) onLine(buf); });
}

function defaultLog(line: string): void {
  process.stderr.write(`[real-yarn] ${line}\n`);
}

export function tailOf(file: string, n = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-n).join('\n');
  } catch {
    return '(no log)';
  }
}

interface Daemon {
  name: 'resourcemanager' | 'nodemanager';
  child: ChildProcess;
  exited: Promise<number | null>;
}

const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));

/** Every child JVM of this process, so a test that dies without stop() leaves none behind. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

export async function startRealYarn(opts: RealYarnOptions = {}): Promise<RealYarn> {
  const log = opts.log ?? defaultLog;
  const { version, home, libDir } = await ensureHadoopJars(log);
  const java = join(javaHome(), 'bin', 'java');

  const scratchDir = opts.scratchDir ?? mkdtempSync(join(tmpdir(), 'sluice-yarn-'));
  const confDir = join(scratchDir, 'conf');
  const logsDir = join(scratchDir, 'logs');
  const nmLogDir = join(scratchDir, 'nm-logs');
  for (const d of [confDir, logsDir, nmLogDir, join(scratchDir, 'nm-local'), join(scratchDir, 'tmp')]) {
    mkdirSync(d, { recursive: true });
  }

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
  const values: Record<string, string> = {
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    SCRATCH: scratchDir, HADOOP_CONF_DIR: confDir, LIB_DIR: libDir, HADOOP_HOME: home,
    ANONYMOUS_ALLOWED: String(!opts.requireUserName),
  };
  for (const file of readdirSync(CONF_TEMPLATES)) {
    const text = readFileSync(join(CONF_TEMPLATES, file), 'utf8').replace(/@@([A-Z_]+)@@/g, (all, key: string) => {
      const value = values[key];
      if (value === undefined) throw new Error(`${file}: unknown placeholder ${all}`);
      return value;
    });
    writeFileSync(join(confDir, file), text);
  }

  // The daemons' environment; the NM passes the whitelisted part on to every container
  // (yarn.nodemanager.env-whitelist), which is how {{HADOOP_CONF_DIR}} etc. expand there.
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

  const rmUrl = `http://127.0.0.1:${ports.RM_WEB_PORT}`;
  const spawnDaemon = (name: Daemon['name'], main: string): Daemon => {
    const file = join(logsDir, `${name}.log`);
    const fd = openSync(file, 'a');
    // setpriv --pdeathsig: the JVM gets SIGTERM if this process dies without stop() (a killed test
    // run), and an NM stopping on SIGTERM kills its containers, so nothing outlives us.
    const [cmd, ...pre] = SETPRIV ? [SETPRIV, '--pdeathsig', 'TERM', '--', java] : [java];
    const child = spawn(cmd!, [
      ...pre,
      '-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xshare:auto',
      ...ADD_OPENS,
      `-Dhadoop.home.dir=${home}`, `-Dhadoop.log.dir=${logsDir}`, `-Dyarn.log.dir=${logsDir}`,
      `-Dhadoop.log.file=${name}.log`, `-Dhadoop.id.str=${env.USER}`, '-Djava.net.preferIPv4Stack=true',
      '-cp', `${confDir}:${libDir}/*`, main,
    ], { cwd: scratchDir, env, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    live.add(child);
    const exited = new Promise<number | null>((res) => child.once('exit', (code) => { live.delete(child); res(code); }));
    log(`${name} started (pid ${child.pid}), log ${file}`);
    return { name, child, exited };
  };

  const stopDaemon = async (d: Daemon | undefined, signal: NodeJS.Signals = 'SIGTERM', timeoutMs = STOP_TIMEOUT_MS): Promise<void> => {
    if (!d || d.child.exitCode !== null || d.child.signalCode !== null) return;
    d.child.kill(signal);
    const gone = await Promise.race([d.exited.then(() => true), sleep(timeoutMs).then(() => false)]);
    if (!gone) {
      log(`${d.name} did not stop within ${timeoutMs} ms of ${signal}: SIGKILL`);
      d.child.kill('SIGKILL');
      await d.exited;
    }
  };

  /** Polls the RM's metrics until a NodeManager is active; fails fast if a daemon dies. */
  const waitReady = async (daemons: Daemon[]): Promise<void> => {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      for (const d of daemons) {
        if (d.child.exitCode !== null || d.child.signalCode !== null) {
          throw new Error(`${d.name} exited (${d.child.exitCode ?? d.child.signalCode}) before YARN was ready:\n`
            + tailOf(join(logsDir, `${d.name}.log`)));
        }
      }
      try {
        const res = await fetch(`${rmUrl}/ws/v1/cluster/metrics?user.name=${encodeURIComponent(env.USER ?? 'root')}`, { signal: AbortSignal.timeout(2000), headers: { accept: 'application/json' } });
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

  const started = performance.now();
  let rm: Daemon | undefined = spawnDaemon('resourcemanager', RM_MAIN);
  let nm: Daemon | undefined = spawnDaemon('nodemanager', NM_MAIN);
  try {
    await waitReady([rm, nm]);
  } catch (err) {
    await Promise.all([stopDaemon(nm, 'SIGKILL'), stopDaemon(rm, 'SIGKILL')]);
    if (!process.env.SLUICE_KEEP_YARN_SCRATCH) rmSync(scratchDir, { recursive: true, force: true });
    throw err;
  }
  const startupMs = Math.round(performance.now() - started);
  log(`YARN ${version} ready at ${rmUrl} in ${startupMs} ms`);

  let stopped = false;
  return {
    rmUrl,
    scratchDir,
    libDir,
    hadoopVersion: version,
    startupMs,
    distributedShellJar: join(libDir, `hadoop-yarn-applications-distributedshell-${version}.jar`),
    amClasspath: `./*<CPS>{{HADOOP_CONF_DIR}}<CPS>${libDir}/*`,
    mapreduceExamplesJar: join(libDir, `hadoop-mapreduce-examples-${version}.jar`),
    hadoopJarCommand: [join(home, 'bin', 'hadoop'), 'jar'],
    confDir,
    hadoopHome: home,
    nmLogDir,
    logsDir,
    async killRm(signal: NodeJS.Signals = 'SIGTERM') {
      await stopDaemon(rm, signal);
      rm = undefined;
    },
    async startRm() {
      if (rm && rm.child.exitCode === null && rm.child.signalCode === null) throw new Error('the ResourceManager is running');
      rm = spawnDaemon('resourcemanager', RM_MAIN);
      await waitReady(nm ? [rm, nm] : [rm]);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      // The NM first: on a clean stop it kills its containers (NM recovery is off). After a job its
      // deletion and log services wait out their thread pools (~15 s): past 4 s, SIGKILL it and
      // clean up containers below instead.
      await stopDaemon(nm, 'SIGTERM', 4000);
      await stopDaemon(rm);
      nm = rm = undefined;
      killLeftoverContainers(join(scratchDir, 'nm-local'), log);
      if (!process.env.SLUICE_KEEP_YARN_SCRATCH) rmSync(scratchDir, { recursive: true, force: true });
    },
  };
}

/** Kills, by pid, any process still running in one of this NM's container dirs (after a SIGKILLed NM). */
export function killLeftoverContainers(localDir: string, log: (line: string) => void): void {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return; // not Linux
  }
  for (const pid of pids) {
    let cwd: string;
    try {
      cwd = readlinkSync(`/proc/${pid}/cwd`);
    } catch {
      continue;
    }
    if (cwd.startsWith(`${localDir}/`)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
        log(`killed leftover container process ${pid} (${cwd})`);
      } catch {
        // already gone
      }
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let yarn: RealYarn | undefined;
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    console.log('stopping…');
    // Still starting: the 'exit' hook kills the JVMs (setpriv's pdeathsig too).
    if (!yarn) process.exit(130);
    yarn.stop().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  yarn = await startRealYarn({ webPort: process.env.RM_WEB_PORT ? Number(process.env.RM_WEB_PORT) : undefined });
  console.log(`ResourceManager: ${yarn.rmUrl}`);
  console.log(`Hadoop ${yarn.hadoopVersion}, started in ${yarn.startupMs} ms`);
  console.log(`scratch: ${yarn.scratchDir}`);
  console.log(`distributed shell jar: ${yarn.distributedShellJar}`);
  console.log(`AM classpath: ${yarn.amClasspath}`);
  console.log('Ctrl-C stops it.');
  if (stopping) stop();
}
