// CLI for the local dev stack: node --import tsx src/emulator/main.ts [--port 8088] [--host H]
// [--work-dir DIR] [--queues default,etl] [--standby]. Prints the URL on stdout, logs to stderr, stops on SIGINT/SIGTERM.

import { parseArgs } from 'node:util';
import pino from 'pino';
import { startRmEmulator } from './index.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8088' },
      host: { type: 'string', default: '127.0.0.1' },
      'work-dir': { type: 'string' },
      'accept-delay-ms': { type: 'string' },
      queues: { type: 'string' },
      standby: { type: 'boolean', default: false },
    },
  });
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' }, pino.destination(2));
  const rm = await startRmEmulator({
    host: values.host,
    port: Number(values.port),
    workDir: values['work-dir'],
    acceptDelayMs: values['accept-delay-ms'] === undefined ? undefined : Number(values['accept-delay-ms']),
    haState: values.standby ? 'STANDBY' : 'ACTIVE',
    queues: values.queues === undefined ? undefined : values.queues.split(',').map((q) => q.trim()),
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
}

main().catch((err: unknown) => {
  process.stderr.write(`RM emulator failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
