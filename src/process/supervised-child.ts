// A child process Sluice starts and must outlive nothing: spawned in its own process group
// (detached), so a terminal's Ctrl-C reaches only us and we decide the stop order; stopped as a
// group with SIGTERM, then SIGKILL after a deadline; and SIGKILLed (group) when this process exits
// by any path Node sees. Against a SIGKILL of this process, which Node can't see, a child gets
// `setpriv --pdeathsig` (the kernel signals it) or watches a stdin pipe (see stop-on-stdin-end.ts).

import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface SuperviseOptions {
  /** What it is, in errors and log lines (e.g. "redis-server", "worker local-a"). */
  name: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  stdio?: SpawnOptions['stdio'];
  /** Wrap the command in `setpriv --pdeathsig TERM` (Linux) so it is signalled if we die. */
  pdeathsig?: boolean;
}

export interface SupervisedChild {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves with the exit code (or the signal's name) once the process is gone. */
  readonly exited: Promise<number | string>;
  readonly running: boolean;
  /** SIGTERM to the group, SIGKILL to the group after deadlineMs; resolves once the leader is gone. */
  stop(deadlineMs: number, signal?: NodeJS.Signals): Promise<void>;
  /** SIGKILL to the whole group, now. */
  kill(): void;
}

const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));

/** Every group still running, killed on exit: nothing we started survives a path we can see. */
const live = new Set<SupervisedChild>();
process.once('exit', () => killAllChildren());

/** SIGKILLs every supervised child's process group (the last resort of a forced stop). */
export function killAllChildren(): void {
  for (const c of live) c.kill();
}

export function superviseChild(command: string, args: string[], opts: SuperviseOptions): SupervisedChild {
  const [cmd, ...pre] = opts.pdeathsig && SETPRIV ? [SETPRIV, '--pdeathsig', 'TERM', '--', command] : [command];
  const child = spawn(cmd!, [...pre, ...args], {
    cwd: opts.cwd, env: opts.env, stdio: opts.stdio ?? 'ignore', detached: true,
  });
  if (child.pid === undefined) {
    // spawn failed (e.g. ENOENT): 'error' follows; don't let it go unhandled.
    child.on('error', () => {});
    throw new Error(`could not start ${opts.name} (${command})`);
  }
  const pid = child.pid;
  child.on('error', () => {}); // a failed kill() of a gone process: the exit handler has the truth
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(handle);
      resolve(code ?? signal ?? 'unknown');
    });
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // the group is gone
    }
  };
  const handle: SupervisedChild = {
    name: opts.name,
    child,
    pid,
    exited,
    get running() {
      return child.exitCode === null && child.signalCode === null;
    },
    kill: () => signalGroup('SIGKILL'),
    async stop(deadlineMs: number, signal: NodeJS.Signals = 'SIGTERM') {
      if (handle.running) {
        signalGroup(signal);
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<'late'>((r) => { timer = setTimeout(() => r('late'), deadlineMs); });
        const outcome = await Promise.race([exited, late]);
        clearTimeout(timer);
        if (outcome === 'late') {
          signalGroup('SIGKILL');
          await exited;
          throw new Error(`${opts.name} did not stop within ${deadlineMs} ms of ${signal}: killed`);
        }
      }
      // The leader is gone; anything left in its group (a grandchild) goes too.
      signalGroup('SIGKILL');
    },
  };
  live.add(handle);
  return handle;
}
