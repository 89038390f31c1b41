// Processes on this machine, read from /proc: is a process with a marker alive (a killed job's
// process is gone, the same way for the emulator and a real NodeManager), what a process started
// (its descendants, by parent pid), is a pid alive. And a child process whose output a test reads.

import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

function stateOf(pid: number | string): { state: string; ppid: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, ppid: Number(fields[1]) };
  } catch {
    return null; // gone
  }
}

const pids = () => readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number);

export function processWithMarkerAlive(marker: string): boolean {
  for (const pid of pids()) {
    try {
      if (!isAlive(pid)) continue; // a zombie has exited
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) return true;
    } catch {
      // it ended while we looked
    }
  }
  return false;
}

/** Alive and not a zombie. */
export function isAlive(pid: number): boolean {
  const s = stateOf(pid);
  return s !== null && s.state !== 'Z' && s.state !== 'X';
}

/** Every live descendant of pid (children, their children, …), by parent pid. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const p of pids()) {
    const s = stateOf(p);
    if (!s) continue;
    children.set(s.ppid, [...(children.get(s.ppid) ?? []), p]);
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length) {
    for (const c of children.get(queue.shift()!) ?? []) {
      found.push(c);
      queue.push(c);
    }
  }
  return found.filter(isAlive);
}

/** Live processes whose environment holds `entry` (e.g. a test's MARKER=<id>): what inherited it. */
export function processesWithEnv(entry: string): number[] {
  return pids().filter((pid) => {
    try {
      return isAlive(pid) && readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(entry);
    } catch {
      return false;
    }
  });
}

/** The command name of a pid ('' when gone). */
export function commOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** Polls `check` until it returns a value other than undefined/false, or throws after timeoutMs. */
export async function pollUntil<T>(what: string, timeoutMs: number, check: () => T | undefined | false | Promise<T | undefined | false>, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

/** A child process with its stdout and stderr kept, and its exit awaited. */
export class Watched {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;

  constructor(command: string, args: string[], opts: SpawnOptions) {
    this.child = spawn(command, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d) => { this.stdout += d; });
    this.child.stderr!.on('data', (d) => { this.stderr += d; });
    this.exit = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get output(): string {
    return `--- stdout\n${this.stdout}\n--- stderr\n${this.stderr}`;
  }

  /** Waits until stdout or stderr matches. */
  async waitFor(re: RegExp, timeoutMs: number): Promise<void> {
    await pollUntil(`output ${re}`, timeoutMs, () => {
      if (re.test(this.stdout) || re.test(this.stderr)) return true;
      if (this.child.exitCode !== null || this.child.signalCode !== null) throw new Error(`exited before ${re}:\n${this.output}`);
      return false;
    });
  }
}
