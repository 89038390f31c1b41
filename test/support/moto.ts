// moto_server (PyPI moto[server]) as the region's STS: a real AWS API emulator on a free loopback
// port. It accepts any credentials; its account is 123456789012.

import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../src/dev/local-redis.ts';

export const MOTO_ACCOUNT = '123456789012';
/** moto takes any keys; explicit ones keep the SDK away from the default chain (and IMDS). */
export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

export interface Moto {
  /** http://127.0.0.1:port */
  url: string;
  close(): Promise<void>;
}

/** `port`: a fixed port, e.g. to bring the same STS endpoint back after stopping it. */
export async function startMoto(port?: number): Promise<Moto> {
  port ??= await freePort();
  // Its own process group: the pyenv shim and Werkzeug may fork, and close() must stop them all.
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let output = '';
  child.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}: ${output}`);
    try {
      if ((await fetch(`${url}/moto-api/`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) {
      process.kill(-child.pid!, 'SIGTERM');
      throw new Error(`moto_server did not answer within 30 s: ${output}`);
    }
    await sleep(100);
  }
  // moto loads its STS backend on the first STS call (about 0.2 s idle, seconds on a busy machine):
  // make that call here, so no test's first GetCallerIdentity runs into its own timeout.
  await fetch(`${url}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0' },
    body: 'Action=GetCallerIdentity&Version=2011-06-15',
  }).then((r) => r.text());
  return {
    url,
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM');
      await exited;
    },
  };
}

