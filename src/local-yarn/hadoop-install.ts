// A Hadoop install made of Maven Central's jars (test/yarn/pom.xml), cached once in
// ~/.cache/sluice/hadoop-<version> (SLUICE_HADOOP_CACHE overrides the base folder), and shaped like
// a real one (share/hadoop/* → lib, a bin/hadoop shim) so the classpaths real clusters use work.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { PACKAGE_ROOT } from '../package-root.ts';
import { superviseChild } from '../process/index.ts';
import { lines } from './lines.ts';

/** The pom and conf templates: data files, shared with the YARN tests that document them. */
// From the package root: the same from the sources and from dist/ (one directory deeper).
export const YARN_DIR = join(PACKAGE_ROOT, 'test/yarn');
const POM = join(YARN_DIR, 'pom.xml');

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
export async function ensureHadoopJars(log: (line: string) => void): Promise<{ version: string; home: string; libDir: string }> {
  const version = hadoopVersion();
  const home = hadoopCacheDir(version);
  const libDir = join(home, 'lib');
  if (!jarsPresent(version)) {
    mkdirSync(home, { recursive: true });
    const temp = join(home, `lib.${process.pid}.${Date.now()}.tmp`);
    const started = Date.now();
    log(`fetching Hadoop ${version} jars with Maven into ${libDir} (first run only, ~90 MB)…`);
    // Supervised: a stop during the download (or our exit) takes Maven down too.
    const mvn = superviseChild('mvn', [
      '-B', '-f', POM, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${temp}`,
    ], { name: 'mvn', stdio: ['ignore', 'pipe', 'pipe'] });
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
    lines(mvn.child.stdout!, onLine);
    lines(mvn.child.stderr!, onLine);
    const code = await mvn.exited;
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
