// The Distributed Shell AM's containers, played by local processes. Per container, as the real AM
// and NodeManager do: rename the staged script to <location>.sh, localize it (the NM refuses a file
// whose modification time differs from the timestamp it was given), run `bash ExecScript.sh <args>`
// in the container directory with stdout/stderr beside it, and report the exit code.

import { copyFileSync, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Logger } from 'pino';
import { formatContainerId } from './application-id.ts';
import type { EmulatedApp, ShellContainer } from './emulated-app.ts';
import { spawnGroup } from './process-group.ts';
import type { ShellAmPlan } from './shell-am.ts';

/** ContainerExitStatus for a container that failed before it ran (e.g. localization). */
const EXIT_LOCALIZATION_FAILED = -1000;
const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

export interface ContainerEnvBase {
  nodeHost: string;
  nodeHttpPort: string;
}

function toPath(location: string): string {
  return location.startsWith('file:') ? fileURLToPath(location) : location;
}

/** FSDownload.verifyAndCopy: missing file or a changed mtime fails the localization. */
function localize(scriptPath: string, expectedTimestamp: number): string | null {
  let mtime: number;
  try {
    // Java's File.lastModified() is whole milliseconds: compare floor(mtimeMs).
    mtime = Math.floor(statSync(scriptPath).mtimeMs);
  } catch {
    return `java.io.FileNotFoundException: File ${pathToFileURL(scriptPath).href} does not exist`;
  }
  if (mtime !== expectedTimestamp) {
    return `java.io.IOException: Resource ${pathToFileURL(scriptPath).href} changed on src filesystem - expected: "${new Date(expectedTimestamp).toISOString()}", was: "${new Date(mtime).toISOString()}"`;
  }
  return null;
}

/** The system PATH a node's NodeManager passes on; not the emulator's own, which is a developer's. */
export const CONTAINER_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** yarn.nodemanager.user-home-dir's default: the NM sets HOME to it, not to the user's home. */
export const CONTAINER_HOME = '/home/';

/**
 * A container's whole environment, built from nothing as the NodeManager builds it: what the NM
 * sets (ContainerLaunch.sanitizeEnv), then the AM's --shell_env, then the DS AM's YARN_SHELL_ID.
 * Never the emulator's own process.env: that is the worker's, a test's or `sluice dev`'s
 * environment (tokens, credentials), and a job must not read it.
 */
export function containerEnvironment(c: {
  containerId: string; dir: string; appDir: string; user: string; base: ContainerEnvBase;
  shellEnv: Record<string, string>; shellId: number;
}): Record<string, string> {
  return {
    PATH: CONTAINER_PATH,
    HOME: CONTAINER_HOME,
    CONTAINER_ID: c.containerId,
    NM_HOST: c.base.nodeHost,
    NM_HTTP_PORT: c.base.nodeHttpPort,
    NM_PORT: '0',
    LOCAL_DIRS: c.appDir,
    LOG_DIRS: c.dir,
    USER: c.user,
    LOGNAME: c.user,
    PWD: c.dir,
    ...c.shellEnv,
    YARN_SHELL_ID: String(c.shellId),
  };
}

/**
 * Launches every container of the plan; `onExit` is called once per container when it is done.
 * Returns the localization errors, if any, for the AM's log.
 */
export function launchShellContainers(
  app: EmulatedApp, plan: ShellAmPlan, base: ContainerEnvBase, log: Logger, onExit: (c: ShellContainer) => void,
): string[] {
  const errors: string[] = [];
  const source = toPath(plan.scriptPath);
  const renamed = `${source}.sh`;
  for (let i = 0; i < plan.numContainers; i++) {
    // Container 1 is the AM's; the shell containers follow.
    const containerId = formatContainerId(app.parsedId, 1, i + 2);
    const dir = join(app.appDir as string, containerId);
    const container: ShellContainer = { containerId, dir, child: null, pgid: null, exitCode: null, done: false };
    app.containers.push(container);

    // The AM renames with FileSystem.rename, which just returns false when the source is gone.
    if (existsSync(source)) renameSync(source, renamed);
    const failure = localize(renamed, plan.scriptTimestamp);
    if (failure) {
      errors.push(`${containerId}: ${failure}`);
      container.exitCode = EXIT_LOCALIZATION_FAILED;
      container.done = true;
      queueMicrotask(() => onExit(container));
      continue;
    }
    mkdirSync(dir, { recursive: true });
    copyFileSync(renamed, join(dir, 'ExecScript.sh'));
    const env = containerEnvironment({ containerId, dir, appDir: app.appDir as string, user: app.user, base, shellEnv: plan.shellEnv, shellId: i + 1 });
    const line = `bash ExecScript.sh ${plan.shellArgs}`.trimEnd();
    const { child, pgid } = spawnGroup(line, dir, env, join(dir, 'stdout'), join(dir, 'stderr'));
    container.child = child;
    container.pgid = pgid;
    log.debug({ containerId, pgid }, 'shell container started');
    child.on('exit', (code, signal) => {
      if (container.done) return;
      // Like the NM's launch script: a signal-killed process exits 128 + signal number.
      container.exitCode = code ?? 128 + (signal ? (SIGNAL_NUMBERS[signal] ?? 1) : 1);
      container.done = true;
      onExit(container);
    });
    child.on('error', (err) => {
      log.error({ err, containerId }, 'shell container failed to start');
      if (container.done) return;
      container.exitCode = 127;
      container.done = true;
      onExit(container);
    });
  }
  return errors;
}
