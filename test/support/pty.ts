// A command in a real pseudo-terminal: util-linux `script` gives the child a pty as its stdin,
// stdout and stderr (so isTTY is true, as at a person's terminal) and copies what it draws to
// our pipe. Writing "\x03" to `write()` is Ctrl-C typed at that terminal: the pty's line discipline
// sends SIGINT to the foreground process group. `-e` passes the child's exit code through.

import { spawn, spawnSync } from 'node:child_process';

export interface PtyResult {
  code: number | null;
  /** Everything drawn on the terminal, stdout and stderr together, as written (the pty turns "\n" into "\r\n"). */
  output: string;
}

export interface RunningPty {
  output(): string;
  /** Types text at the terminal. */
  write(text: string): void;
  readonly done: Promise<PtyResult>;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function hasScript(): boolean {
  return spawnSync('script', ['--version']).status === 0;
}

export function startInPty(argv: string[], env: Record<string, string>, opts: { columns?: number; timeoutMs?: number } = {}): RunningPty {
  // A pty opened without a terminal around it is 0×0: give it a size, as a terminal window would.
  const command = `stty cols ${opts.columns ?? 200} rows 40; exec ${argv.map(shellQuote).join(' ')}`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], { env: { ...env, SHELL: '/bin/sh' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { output += d; });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { output += d; });
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const done = new Promise<PtyResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${argv.join(' ')} in a pty did not exit within ${timeoutMs} ms\noutput: ${JSON.stringify(output)}`));
    }, timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
  return { output: () => output, write: (text) => child.stdin!.write(text), done };
}
