// One RM emulator per region, each a process of its own (as a region's RM is elsewhere), in a mode
// that spawns nothing per job: apps are held RUNNING until released, or end after runMs.

import { join, resolve } from 'node:path';
import { freePort } from '../src/dev/local-redis.ts';
import { superviseChild, type SupervisedChild } from '../src/process/index.ts';
import { openLog, waitForLine } from './log-file.ts';

const REPO = resolve(import.meta.dirname, '..');

export interface EmulatorProcess extends SupervisedChild {
  url: string;
}

export type BenchAppRun = { mode: 'held' } | { mode: 'timed'; runMs: number };

export async function startEmulator(name: string, run: BenchAppRun, logDir: string, signal: AbortSignal): Promise<EmulatorProcess> {
  const port = await freePort();
  const log = openLog(logDir, `emulator-${name}`);
  const logPath = log.path;
  const runArgs = run.mode === 'timed' ? ['--app-run', 'timed', '--run-ms', String(run.runMs)] : ['--app-run', 'held'];
  const child = superviseChild(process.execPath, [
    '--import', 'tsx', join(REPO, 'src/emulator/main.ts'), '--port', String(port), '--accept-delay-ms', '20', ...runArgs, '--stop-on-stdin-end',
  ], { name: `emulator ${name}`, cwd: REPO, env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: ['pipe', log.fd, log.fd] });
  log.close();
  const line = await waitForLine(logPath, child, (l) => l.startsWith('http://'), 30_000, signal);
  return Object.assign(child, { url: line.trim() });
}
