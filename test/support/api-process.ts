// `sluice serve` as a process of its own, beside the stack's in-process API: what a deployment with
// several API instances looks like. Listens on a free port and says where.

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './stack.ts';

export interface ApiProcess {
  url: string;
  child: ChildProcess;
  /** What it has printed (JSON log lines). */
  output: string[];
  stop(): Promise<void>;
}

export async function startApiProcess(env: Record<string, string>): Promise<ApiProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'src/cli/main.ts'), 'serve'], {
    cwd: REPO,
    env: { ...process.env, SLUICE_LOG_LEVEL: 'info', ...env, SLUICE_HTTP_HOST: '127.0.0.1', SLUICE_HTTP_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    // A process that never says it listens is stopped, not left running after the test gives up.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sluice serve did not start within 30 s:\n${output.join('')}`));
    }, 30_000);
    const onData = (d: Buffer) => {
      output.push(d.toString());
      for (const line of d.toString().split('\n')) {
        if (!line.includes('sluice API listening')) continue;
        clearTimeout(timer);
        resolve((JSON.parse(line) as { address: string }).address);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sluice serve exited (${code}) at start:\n${output.join('')}`));
    });
  });
  return {
    url,
    child,
    output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
