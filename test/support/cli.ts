// The real `sluice` binary (bin/sluice.js) as a child process, the way a person or a scheduler runs
// it: its own environment (SLUICE_URL, SLUICE_TOKEN, an empty config directory, so nothing of the
// machine's own ~/.config leaks in), stdout and stderr kept apart, its exit code.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './stack.ts';

export const SLUICE_BIN = join(REPO, 'bin/sluice.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Settles when the process has exited; rejects (killing it) after `timeoutMs`. */
  readonly done: Promise<CliResult>;
}

export interface CliOptions {
  /** Replaces the base environment's entries (undefined removes one). */
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
}

/** An environment with nothing of this machine's Sluice settings: a config directory of its own, no SLUICE_* variables. */
export function cliEnv(vars: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('SLUICE_')) delete env[key];
  env.XDG_CONFIG_HOME = mkdtempSync(join(tmpdir(), 'sluice-cli-config-'));
  env.TERM = 'xterm-256color';
  Object.assign(env, vars);
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

export function startSluice(args: string[], env: Record<string, string>, opts: CliOptions = {}): RunningCli {
  const child = spawn(process.execPath, [SLUICE_BIN, ...args], { env: merge(env, opts.env), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  child.stdin!.end(opts.input ?? '');
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const done = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sluice ${args.join(' ')} did not exit within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, stdout: () => stdout, stderr: () => stderr, done };
}

export function runSluice(args: string[], env: Record<string, string>, opts: CliOptions = {}): Promise<CliResult> {
  return startSluice(args, env, opts).done;
}

function merge(env: Record<string, string>, extra: Record<string, string | undefined> = {}): Record<string, string> {
  const out: Record<string, string | undefined> = { ...env, ...extra };
  return Object.fromEntries(Object.entries(out).filter((e): e is [string, string] => e[1] !== undefined));
}

/** What a failed assertion shows: how the command ended and all it said. */
export function describe(r: CliResult): string {
  return `exit ${r.code}${r.signal ? ` (${r.signal})` : ''}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}
