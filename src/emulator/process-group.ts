// A container's processes: spawned detached (own process group, like the NM's setsid), output to
// files, killed as a group. Liveness reads /proc where it exists, because killed grandchildren can
// linger as zombies when PID 1 does not reap them, and kill(-pgid, 0) counts zombies as alive.

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';

export interface SpawnedGroup {
  child: ChildProcess;
  pgid: number;
}

/**
 * Runs `bash -c <line>` in `cwd` as the leader of a new process group; stdout/stderr go to files.
 * `env` is the process's whole environment (nothing of this process's is added), so it must carry
 * a PATH: bash itself is looked up in it.
 */
export function spawnGroup(line: string, cwd: string, env: Readonly<Record<string, string>>, stdoutPath: string, stderrPath: string): SpawnedGroup {
  if (!env.PATH) throw new Error('a container environment needs a PATH');
  const out = openSync(stdoutPath, 'a');
  const err = openSync(stderrPath, 'a');
  try {
    const child = spawn('bash', ['-c', line], { cwd, env: { ...env }, detached: true, stdio: ['ignore', out, err] });
    if (child.pid === undefined) throw new Error(`could not start bash in ${cwd}`);
    child.unref(); // the emulator's event loop must not wait for containers
    return { child, pgid: child.pid };
  } finally {
    closeSync(out);
    closeSync(err);
  }
}

/** Signals the whole group; false when no process of it is left. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

const hasProc = (() => {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
})();

/** Is any non-zombie process of the group still there? */
export function isGroupAlive(pgid: number): boolean {
  if (!hasProc) return signalGroup(pgid, 0);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so cut at the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') return true;
  }
  return false;
}
