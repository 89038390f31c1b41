// Close on SIGINT and SIGTERM: every step runs even when one throws, then the process exits.

import type { Logger } from 'pino';

export function onShutdown(log: Logger, steps: (() => Promise<unknown>)[]): void {
  let closing = false;
  const close = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    for (const step of steps) await step().catch((err) => log.error({ err }, 'shutdown step failed'));
    process.exit(0);
  };
  process.once('SIGINT', () => void close('SIGINT'));
  process.once('SIGTERM', () => void close('SIGTERM'));
}
