// A child's output goes to a file of its own (it is kept for a look after a failure, and the bench
// spends nothing reading it); start-up is found by polling that file for a line.

import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SupervisedChild } from '../src/process/index.ts';
import { sleep } from './stats.ts';

let started = 0;

/**
 * A new file for one child's stdout and stderr (<dir>/<NN>-<name>.log: a name started again gets a
 * file of its own, so its start-up lines are never an earlier run's); the descriptor is closed in
 * this process once handed over.
 */
export function openLog(dir: string, name: string): { path: string; fd: number; close(): void } {
  const path = join(dir, `${String(++started).padStart(2, '0')}-${name}.log`);
  const fd = openSync(path, 'wx');
  return { path, fd, close: () => closeSync(fd) };
}

/** Resolves with the first line of the file that `match` accepts; fails if the child exits first or after timeoutMs. */
export async function waitForLine(path: string, child: SupervisedChild, match: (line: string) => boolean, timeoutMs: number, signal?: AbortSignal): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = readFileSync(path, 'utf8');
    const line = text.split('\n').find(match);
    if (line !== undefined) return line;
    if (!child.running) throw new Error(`bench: ${child.name} exited before it started; its log (${path}):\n${text.slice(-3000)}`);
    if (Date.now() > deadline) throw new Error(`bench: ${child.name} did not start within ${timeoutMs} ms; its log (${path}):\n${text.slice(-3000)}`);
    await sleep(100, signal);
  }
}
