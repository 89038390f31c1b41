// What a single ResourceManager and an HA pair share: the scratch folder, the conf written from
// templates, the daemons' environment, and the JVMs, each supervised (own process group, SIGKILL
// after a deadline, `setpriv --pdeathsig` so a JVM does not outlive a SIGKILLed parent).

import { mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { superviseChild, type SupervisedChild } from '../process/index.ts';
import { ensureHadoopJars, javaHome, YARN_DIR } from './hadoop-install.ts';

/** Java 17 needs these for Guice 4 / Jersey 1 in the RM and NM (YARN.md; HADOOP-19310's list). */
export const ADD_OPENS = [
  'java.base/java.lang', 'java.base/java.io', 'java.base/java.lang.reflect', 'java.base/java.math',
  'java.base/java.net', 'java.base/java.text', 'java.base/java.util', 'java.base/java.util.concurrent',
  'java.base/java.util.zip', 'java.base/sun.security.util', 'java.base/sun.security.x509',
  'java.base/sun.net.dns', 'java.base/sun.net.util',
].map((p) => `--add-opens=${p}=ALL-UNNAMED`);

export const RM_MAIN = 'org.apache.hadoop.yarn.server.resourcemanager.ResourceManager';
export const NM_MAIN = 'org.apache.hadoop.yarn.server.nodemanager.NodeManager';
export const READY_TIMEOUT_MS = 180_000;
export const STOP_TIMEOUT_MS = 20_000;

export interface YarnScratch {
  version: string;
  /** Hadoop's "home": the jar cache shaped like an install. */
  home: string;
  libDir: string;
  java: string;
  scratchDir: string;
  /** The conf dir the NM and the containers use. */
  confDir: string;
  logsDir: string;
  nmLogDir: string;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

export interface YarnDaemon {
  name: string;
  proc: SupervisedChild;
}

/** Jars, a scratch folder (fresh temp one unless given) and the daemons' environment. */
/** What a started cluster tells its users about its layout, the same for one RM or an HA pair. */
export function clusterLayout(y: YarnScratch, startupMs: number) {
  return {
    scratchDir: y.scratchDir,
    libDir: y.libDir,
    hadoopVersion: y.version,
    startupMs,
    distributedShellJar: join(y.libDir, `hadoop-yarn-applications-distributedshell-${y.version}.jar`),
    amClasspath: `./*<CPS>{{HADOOP_CONF_DIR}}<CPS>${y.libDir}/*`,
    hadoopJarCommand: [join(y.home, 'bin', 'hadoop'), 'jar'],
    confDir: y.confDir,
    hadoopHome: y.home,
    nmLogDir: y.nmLogDir,
    logsDir: y.logsDir,
  };
}

export async function prepareYarn(opts: { scratchDir?: string; prefix: string; log: (line: string) => void }): Promise<YarnScratch> {
  const { version, home, libDir } = await ensureHadoopJars(opts.log);
  const java = join(javaHome(), 'bin', 'java');
  const scratchDir = opts.scratchDir ?? mkdtempSync(join(tmpdir(), opts.prefix));
  const confDir = join(scratchDir, 'conf');
  const logsDir = join(scratchDir, 'logs');
  const nmLogDir = join(scratchDir, 'nm-logs');
  for (const d of [confDir, logsDir, nmLogDir, join(scratchDir, 'nm-local'), join(scratchDir, 'tmp'), join(scratchDir, 'rm-state')]) {
    mkdirSync(d, { recursive: true });
  }
  const javaHomeDir = join(java, '..', '..');
  return { version, home, libDir, java, scratchDir, confDir, logsDir, nmLogDir, env: daemonEnv(javaHomeDir, confDir, home), log: opts.log };
}

/**
 * The daemons' whole environment. The NM passes its whitelisted part on to every container
 * (yarn.nodemanager.env-whitelist: that is how {{HADOOP_CONF_DIR}} etc. expand there) and the
 * containers inherit the rest through the NM: so it is built from nothing, never from our own
 * environment, where SLUICE_DEV_TOKEN, SLUICE_TOKENS and the Redis URL live.
 */
export function daemonEnv(javaHomeDir: string, confDir: string, home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: `${javaHomeDir}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
    HOME: homedir(),
    LANG: 'C.UTF-8',
    USER: process.env.USER ?? 'root',
    JAVA_HOME: javaHomeDir,
    HADOOP_CONF_DIR: confDir,
    HADOOP_HOME: home, HADOOP_COMMON_HOME: home, HADOOP_HDFS_HOME: home,
    HADOOP_YARN_HOME: home, HADOOP_MAPRED_HOME: home,
  };
  if (process.env.TZ) env.TZ = process.env.TZ;
  return env;
}

/** Writes test/yarn/conf's templates into dir (overlaid by overlayDir's files), @@NAME@@ filled in. */
export function writeConf(dir: string, values: Record<string, string>, overlay?: string): void {
  mkdirSync(dir, { recursive: true });
  const base = join(YARN_DIR, 'conf');
  const over = new Set(overlay ? readdirSync(join(YARN_DIR, overlay)) : []);
  const files = [
    ...readdirSync(base).filter((f) => !over.has(f)).map((f) => join(base, f)),
    ...[...over].map((f) => join(YARN_DIR, overlay!, f)),
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

/** One Hadoop JVM (a daemon or a CLI), output to <logs>/<name>.log. */
export function spawnYarnJava(y: YarnScratch, name: string, main: string, confDir: string, args: string[] = [], xmx = '512m'): YarnDaemon {
  const file = join(y.logsDir, `${name}.log`);
  const fd = openSync(file, 'a');
  try {
    const proc = superviseChild(y.java, [
      `-Xmx${xmx}`, '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xshare:auto',
      ...ADD_OPENS,
      `-Dhadoop.home.dir=${y.home}`, `-Dhadoop.log.dir=${y.logsDir}`, `-Dyarn.log.dir=${y.logsDir}`,
      `-Dhadoop.log.file=${name}.log`, `-Dhadoop.id.str=${y.env.USER}`, '-Djava.net.preferIPv4Stack=true',
      '-cp', `${confDir}:${y.libDir}/*`, main, ...args,
    ], { name, cwd: y.scratchDir, env: y.env, stdio: ['ignore', fd, fd], pdeathsig: true });
    return { name, proc };
  } finally {
    closeSync(fd);
  }
}

/** SIGTERM (or the given signal), SIGKILL after timeoutMs; resolves once it is gone. */
export async function stopDaemon(d: YarnDaemon | undefined, log: (line: string) => void, signal: NodeJS.Signals = 'SIGTERM', timeoutMs = STOP_TIMEOUT_MS): Promise<void> {
  if (!d) return;
  await d.proc.stop(timeoutMs, signal).catch((err: Error) => log(err.message));
}

/** Throws, with its log's tail, if a daemon has exited. */
export function assertRunning(y: YarnScratch, daemons: YarnDaemon[], what: string): void {
  for (const d of daemons) {
    if (!d.proc.running) {
      const how = d.proc.child.exitCode ?? d.proc.child.signalCode;
      throw new Error(`${d.name} exited (${how}) ${what}:\n${tailOf(join(y.logsDir, `${d.name}.log`))}`);
    }
  }
}

export function tailOf(file: string, n = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-n).join('\n');
  } catch {
    return '(no log)';
  }
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

export function defaultLog(prefix: string): (line: string) => void {
  return (line) => process.stderr.write(`[${prefix}] ${line}\n`);
}
