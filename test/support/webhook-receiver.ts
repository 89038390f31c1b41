// test/support/webhook_receiver.py as a child process: a real receiver that verifies every
// message with PyPI's standardwebhooks and reports each verified one (one JSON line).

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { testPython } from './python.ts';

export interface ReceivedMessage {
  webhookId: string;
  timestamp: string;
  userAgent: string;
  type: string;
  data: any;
  /** What the receiver answered. */
  status: number;
}

export class PythonReceiver {
  readonly messages: ReceivedMessage[] = [];
  readonly rejected: string[] = [];
  private constructor(private readonly child: ChildProcess, readonly port: number, private readonly output: string[]) {}

  static async start(opts: { failFirst?: number; redirectTo?: string } = {}): Promise<PythonReceiver> {
    const args = [join(import.meta.dirname, 'webhook_receiver.py')];
    if (opts.failFirst) args.push('--fail-first', String(opts.failFirst));
    if (opts.redirectTo) args.push('--redirect-to', opts.redirectTo);
    const child = spawn(testPython(), args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const output: string[] = [];
    let receiver: PythonReceiver | undefined;
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`webhook receiver did not start:\n${output.join('')}`)), 15_000);
      let buffered = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        buffered += d;
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          output.push(`${line}\n`);
          const msg = JSON.parse(line);
          if (msg.listening) {
            clearTimeout(timer);
            resolve(msg.listening);
          } else if (msg.rejected) receiver?.rejected.push(msg.rejected);
          else if (msg.webhookId) receiver?.messages.push(msg);
        }
      });
      child.stderr!.setEncoding('utf8').on('data', (d: string) => output.push(d));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`webhook receiver exited with ${code}:\n${output.join('')}`));
      });
    });
    receiver = new PythonReceiver(child, port, output);
    return receiver;
  }

  /** A URL of this receiver; `host` e.g. localhost to go through a name lookup. */
  url(path = '/hook', host = '127.0.0.1'): string {
    return `http://${host}:${this.port}${path}`;
  }

  setSecret(secret: string): void {
    this.child.stdin!.write(`secret ${secret}\n`);
  }

  log(): string {
    return this.output.join('');
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.stdin!.end();
    this.child.kill('SIGTERM');
    await exited;
  }
}

/** Accepts connections and never answers: every attempt times out. `requests()`: connections that sent a request. */
export async function silentServer(): Promise<{ port: number; requests: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let count = 0;
  const server: Server = createServer((s) => {
    s.once('data', () => { count++; });
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    requests: () => count,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
