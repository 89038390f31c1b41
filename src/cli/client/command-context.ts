// What every client command runs in: the connection (src/cli/client/connection-config.ts), a
// SluiceClient, an AbortSignal that Ctrl-C fires, and one way out: a message on stderr and an exit
// code from the one table (exit-codes.ts).
//
// Ctrl-C is not the server's shutdown: nothing is stopped but this command's requests. The first
// SIGINT (or SIGTERM) aborts them; the command erases its progress line, says what keeps running,
// and exits 130 (143 for SIGTERM). A command stuck past a second still exits, and a second Ctrl-C
// exits at once.

import { SluiceClient } from '../../client/index.ts';
import { resolveConnection, type ConnectionConfig } from './connection-config.ts';
import { EXIT } from './exit-codes.ts';
import { describeError } from './report-error.ts';

export interface CommandContext {
  readonly client: SluiceClient;
  readonly conn: ConnectionConfig;
  /** Fires on Ctrl-C: pass it to every call. */
  readonly signal: AbortSignal;
  /** Said on stderr after an interrupt: what keeps running and how to pick it up again. */
  interruptNote?: string;
  /** Run before the command's last words (e.g. erase a progress line); each may run twice. */
  readonly cleanups: (() => void)[];
}

export interface ConnectionFlags {
  url?: string;
}

const INTERRUPT_GRACE_MS = 1000;
const SIGNAL_EXITS = { SIGINT: EXIT.INTERRUPTED, SIGTERM: 143 } as const;

/** Runs a command to its exit code, then exits the process with it. */
export async function runClientCommand(flags: ConnectionFlags, body: (ctx: CommandContext) => Promise<number | void>): Promise<never> {
  const controller = new AbortController();
  let interrupted: keyof typeof SIGNAL_EXITS | null = null;
  let ctx: CommandContext | undefined;
  const onSignal = (signal: keyof typeof SIGNAL_EXITS) => {
    if (interrupted) process.exit(SIGNAL_EXITS[signal]);
    interrupted = signal;
    controller.abort(new DOMException(`interrupted by ${signal}`, 'AbortError'));
    // A step that does not take the signal still cannot keep the command alive.
    setTimeout(() => void finish(SIGNAL_EXITS[signal], interruptMessage(ctx), ctx), INTERRUPT_GRACE_MS).unref();
  };
  const onInt = () => onSignal('SIGINT');
  const onTerm = () => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);

  let code: number;
  let message: string | null = null;
  try {
    const conn = resolveConnection({ flagUrl: flags.url });
    ctx = { conn, signal: controller.signal, cleanups: [], client: new SluiceClient({ url: conn.url, token: conn.token, userAgent: 'sluice-cli' }) };
    code = (await body(ctx)) ?? EXIT.OK;
    if (interrupted) [code, message] = [SIGNAL_EXITS[interrupted], interruptMessage(ctx)];
  } catch (err) {
    if (interrupted) {
      [code, message] = [SIGNAL_EXITS[interrupted], interruptMessage(ctx)];
    } else {
      const report = describeError(err, ctx?.conn);
      code = report.exitCode;
      message = [`sluice: ${report.message}`, ...report.details.map((d) => `  ${d}`)].join('\n');
    }
  }
  return finish(code, message, ctx);
}

function interruptMessage(ctx: CommandContext | undefined): string {
  return `sluice: interrupted${ctx?.interruptNote ? `; ${ctx.interruptNote}` : ''}`;
}

let finishing = false;

async function finish(code: number, message: string | null, ctx: CommandContext | undefined): Promise<never> {
  if (!finishing) {
    finishing = true;
    for (const cleanup of ctx?.cleanups ?? []) cleanup();
    if (message) process.stderr.write(`${message}\n`);
    // Let what was written reach a pipe before the process goes.
    await Promise.all([process.stdout, process.stderr].map((s) => new Promise<void>((resolve) => s.write('', () => resolve()))));
    process.exit(code);
  }
  return new Promise<never>(() => {});
}
