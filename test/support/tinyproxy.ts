// A tinyproxy (Debian package) of the test's own: generated config, a free loopback port, its own
// log file. The log is the proof a connection went through the proxy (and from which address).

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../src/dev/local-redis.ts';

export interface Tinyproxy {
  /** http://127.0.0.1:port */
  url: string;
  port: number;
  logFile: string;
  /** The log so far. */
  log(): string;
  /** The CONNECT requests logged so far, e.g. ["127.0.0.1:40211"]. */
  connects(): string[];
  /** The client addresses tinyproxy accepted connections from, in order. */
  clients(): string[];
  close(): Promise<void>;
}

export async function startTinyproxy(): Promise<Tinyproxy> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-tinyproxy-'));
  const port = await freePort();
  const logFile = join(dir, 'tinyproxy.log');
  const conf = join(dir, 'tinyproxy.conf');
  writeFileSync(conf, [
    `Port ${port}`,
    'Listen 127.0.0.1',
    'Timeout 30',
    `LogFile "${logFile}"`,
    'LogLevel Info',
    'MaxClients 50',
    // The whole loopback /8: routing tests connect from 127.0.0.2. No ConnectPort line: any port.
    'Allow 127.0.0.0/8',
    '',
  ].join('\n'));
  const child = spawn('tinyproxy', ['-d', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitForPort(port, child, () => stderr);

  const log = (): string => { try { return readFileSync(logFile, 'utf8'); } catch { return ''; } };
  return {
    url: `http://127.0.0.1:${port}`, port, logFile, log,
    connects: () => [...log().matchAll(/Request \(file descriptor \d+\): CONNECT (\S+) HTTP/g)].map((m) => m[1]!),
    clients: () => [...log().matchAll(/Connect \(file descriptor \d+\): (\S+)/g)].map((m) => m[1]!),
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}


async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`tinyproxy exited with ${child.exitCode}: ${output()}`);
    const up = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (up) return;
    await sleep(50);
  }
  child.kill('SIGTERM');
  throw new Error(`tinyproxy did not listen on ${port} within 10 s: ${output()}`);
}
