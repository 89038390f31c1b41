// CLI for the local dev stack and the benchmark: node --import tsx src/emulator/main.ts [--port 8088]
// [--host H] [--work-dir DIR] [--queues default,etl] [--standby] [--accept-delay-ms N]
// [--app-run process|held|timed] [--run-ms N (timed)] [--stop-on-stdin-end].
// Prints the URL on stdout, logs to stderr, stops on SIGINT/SIGTERM (and on stdin's end if asked).

import { parseArgs } from 'node:util';
import pino from 'pino';
import { startRmEmulator } from './index.ts';
import type { AppRunMode } from './options.ts';

function appRunFrom(mode: string, runMs: string | undefined): AppRunMode {
  if (mode === 'process' || mode === 'held') {
    if (runMs !== undefined) throw new Error(`--run-ms goes with --app-run timed, not ${mode}`);
    return { mode };
  }
  if (mode === 'timed') {
    if (runMs === undefined || !/^\d+$/.test(runMs)) throw new Error('--app-run timed needs --run-ms <ms>');
    return { mode, runMs: Number(runMs) };
  }
  throw new Error(`--app-run must be process, held or timed, not ${JSON.stringify(mode)}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8088' },
      host: { type: 'string', default: '127.0.0.1' },
      'work-dir': { type: 'string' },
      'accept-delay-ms': { type: 'string' },
      queues: { type: 'string' },
      standby: { type: 'boolean', default: false },
      'app-run': { type: 'string', default: 'process' },
      'run-ms': { type: 'string' },
      'stop-on-stdin-end': { type: 'boolean', default: false },
    },
  });
  const appRun = appRunFrom(values['app-run'], values['run-ms']);
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' }, pino.destination(2));
  const rm = await startRmEmulator({
    host: values.host,
    port: Number(values.port),
    workDir: values['work-dir'],
    acceptDelayMs: values['accept-delay-ms'] === undefined ? undefined : Number(values['accept-delay-ms']),
    haState: values.standby ? 'STANDBY' : 'ACTIVE',
    queues: values.queues === undefined ? undefined : values.queues.split(',').map((q) => q.trim()),
    appRun,
    logger,
  });
  process.stdout.write(`${rm.url}\n`);
  const stop = (): void => {
    rm.close().then(() => process.exit(0), (err: unknown) => {
      logger.error({ err }, 'RM emulator close failed');
      process.exit(1);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // A supervisor holds stdin's other end and never writes: if it dies, even by SIGKILL, the pipe
  // closes and this emulator stops too (as src/process/stop-on-stdin-end.ts; the emulator imports
  // nothing outside src/emulator).
  if (values['stop-on-stdin-end']) {
    process.stdin.on('data', () => {});
    process.stdin.once('end', stop);
    process.stdin.once('error', stop);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`RM emulator failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
