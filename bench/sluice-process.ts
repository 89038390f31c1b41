// Sluice's own processes, started as production starts them: `node bin/sluice.js serve` and
// `node bin/sluice.js worker --region R` (bin/sluice.js runs the compiled dist/ once built, the
// TypeScript sources through tsx before). Each logs to a file; start-up is read from that log.

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { superviseChild, type SupervisedChild } from '../src/process/index.ts';
import { openLog, waitForLine } from './log-file.ts';

const REPO = resolve(import.meta.dirname, '..');
const BIN = join(REPO, 'bin/sluice.js');
const START_TIMEOUT_MS = 90_000;

export interface SluiceProcess extends SupervisedChild {
  /** Its Prometheus endpoint. */
  metricsUrl: string;
}

export interface ApiProcess extends SluiceProcess {
  url: string;
}

/**
 * With BENCH_CPU_PROFILE_DIR set, the API and workers write V8 CPU profiles there when they stop
 * (open them in Chrome DevTools): the "why" behind a figure that misses its target.
 */
function profileArgs(who: string): string[] {
  const dir = process.env.BENCH_CPU_PROFILE_DIR;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${who}.${process.hrtime.bigint()}.cpuprofile`] : [];
}

/** What bin/sluice.js runs here: the compiled build when there is one. */
export function buildKind(): 'dist' | 'tsx' {
  return existsSync(join(REPO, 'dist/src/cli/main.js')) ? 'dist' : 'tsx';
}

function metricsUrlOf(text: string, who: string): string {
  const url = /"metricsUrl":"([^"]+)"/.exec(text)?.[1];
  if (!url) throw new Error(`bench: ${who} logged no metrics URL`);
  return url;
}

export async function startApi(env: NodeJS.ProcessEnv, logDir: string, signal: AbortSignal): Promise<ApiProcess> {
  const log = openLog(logDir, 'api');
  const logPath = log.path;
  // No stdin lifeline for `serve`: setpriv --pdeathsig stops it if the bench dies.
  const child = superviseChild(process.execPath, [...profileArgs('api'), BIN, 'serve'], { name: 'sluice serve', cwd: REPO, env, stdio: ['ignore', log.fd, log.fd], pdeathsig: true });
  log.close();
  const line = await waitForLine(logPath, child, (l) => l.includes('sluice API listening'), START_TIMEOUT_MS, signal);
  const metrics = await waitForLine(logPath, child, (l) => l.includes('"metricsUrl"'), 1000, signal);
  return Object.assign(child, { url: (JSON.parse(line) as { address: string }).address, metricsUrl: metricsUrlOf(metrics, 'sluice serve') });
}

export async function startWorker(region: string, env: NodeJS.ProcessEnv, logDir: string, signal: AbortSignal): Promise<SluiceProcess> {
  const log = openLog(logDir, `worker-${region}`);
  const logPath = log.path;
  // Its stdin is a lifeline: if the bench dies, even by SIGKILL, the worker reads EOF and stops.
  const child = superviseChild(process.execPath, [...profileArgs(`worker-${region}`), BIN, 'worker', '--region', region, '--stop-on-stdin-end'],
    { name: `worker ${region}`, cwd: REPO, env, stdio: ['pipe', log.fd, log.fd] });
  log.close();
  await waitForLine(logPath, child, (l) => l.includes('region worker started'), START_TIMEOUT_MS, signal);
  const metrics = await waitForLine(logPath, child, (l) => l.includes('"metricsUrl"'), 1000, signal);
  return Object.assign(child, { metricsUrl: metricsUrlOf(metrics, `worker ${region}`) });
}
