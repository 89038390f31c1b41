// The `sluice` command. serve, worker and dev install their SIGINT/SIGTERM handlers first thing,
// before anything starts; everything they start registers its stop step with the one Shutdown.
// Each command loads what it runs when it runs (dynamic imports): a worker never loads the API's
// fastify, a client command neither, and `sluice --help` loads only commander.

import { Command } from 'commander';
import { PACKAGE_VERSION } from '../package-root.ts';
import type { Shutdown } from '../runtime/shutdown.ts';
import { registerClientCommands } from './client/index.ts';

/** The server commands' Shutdown, made by the one that runs (client commands stop on their own). */
let shutdown: Shutdown | undefined;

async function startShutdown(): Promise<Shutdown> {
  const { Shutdown } = await import('../runtime/shutdown.ts');
  shutdown = new Shutdown().installSignalHandlers();
  return shutdown;
}

const program = new Command('sluice').description('Job-submission gateway: HTTP → region queue → YARN')
  .version(PACKAGE_VERSION);

program.command('serve').description('run the HTTP API').action(async () => {
  const shutdown = await startShutdown();
  const { serve } = await import('./serve.ts');
  await serve(shutdown);
});

program.command('worker').description("run one region's worker (submit, cancel, track)")
  .requiredOption('-r, --region <name>', 'the region to serve')
  .option('--stop-on-stdin-end', 'stop when stdin closes (a supervisor holds the other end of the pipe)')
  .action(async (opts: { region: string; stopOnStdinEnd?: boolean }) => {
    const shutdown = await startShutdown();
    if (opts.stopOnStdinEnd) {
      const { stopOnStdinEnd } = await import('../process/index.ts');
      stopOnStdinEnd((reason) => shutdown.stopAndExit(reason));
    }
    const { runRegionWorker } = await import('../worker/run-region-worker.ts');
    await runRegionWorker(opts.region, shutdown);
  });

program.command('preflight').description("run a region's preflight checks once, through its routing; exit 1 if any fails")
  .requiredOption('-r, --region <name>', 'the region to check')
  .action(async (opts: { region: string }) => {
    const { preflightCommand } = await import('./preflight.ts');
    process.exitCode = await preflightCommand(opts.region);
  });

program.command('dev').description('run a local stack: Redis, a real YARN when Java is present (else the RM emulator), the API, a worker per region; submit one example job')
  .option('--exit-after-demo', 'stop everything once the example job has ended')
  .option('--emulator', 'use the ResourceManager emulator even when Java is present')
  .action(async (opts: { exitAfterDemo?: boolean; emulator?: boolean }) => {
    const shutdown = await startShutdown();
    const { runDevStack } = await import('../dev/dev-stack.ts');
    await runDevStack({ exitAfterDemo: Boolean(opts.exitAfterDemo), emulator: Boolean(opts.emulator) }, shutdown);
  });

// submit, status, wait, logs, cancel, ls, regions, rollout, adoption: they talk to a Sluice over
// HTTP and stop on Ctrl-C by aborting their requests, not through the server's Shutdown.
registerClientCommands(program);

program.parseAsync().catch((err: Error) => {
  // Start-up cut short by a signal: the stop already under way exits.
  if (shutdown?.isStopping) return;
  console.error(`sluice: ${err.message}`);
  if (shutdown) shutdown.stopAndExit('start-up failed', { failed: true });
  else process.exitCode = 1;
});
