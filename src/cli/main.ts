// The `sluice` command. serve, worker and dev install their SIGINT/SIGTERM handlers first thing,
// before anything starts; everything they start registers its stop step with the one Shutdown.

import { Command } from 'commander';
import { Shutdown } from '../runtime/index.ts';
import { registerClientCommands } from './client/index.ts';

const shutdown = new Shutdown();
const program = new Command('sluice').description('Job-submission gateway: HTTP → region queue → YARN');

program.command('serve').description('run the HTTP API').action(async () => {
  shutdown.installSignalHandlers();
  const { serve } = await import('./serve.ts');
  await serve(shutdown);
});

program.command('worker').description("run one region's worker (submit, cancel, track)")
  .requiredOption('-r, --region <name>', 'the region to serve')
  .option('--stop-on-stdin-end', 'stop when stdin closes (a supervisor holds the other end of the pipe)')
  .action(async (opts: { region: string; stopOnStdinEnd?: boolean }) => {
    shutdown.installSignalHandlers();
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
    shutdown.installSignalHandlers();
    const { runDevStack } = await import('../dev/dev-stack.ts');
    await runDevStack({ exitAfterDemo: Boolean(opts.exitAfterDemo), emulator: Boolean(opts.emulator) }, shutdown);
  });

// submit, status, wait, logs, cancel, ls, regions, rollout, adoption: they talk to a Sluice over
// HTTP and stop on Ctrl-C by aborting their requests, not through the server's Shutdown.
registerClientCommands(program);

program.parseAsync().catch((err: Error) => {
  // Start-up cut short by a signal: the stop already under way exits.
  if (shutdown.isStopping) return;
  console.error(`sluice: ${err.message}`);
  shutdown.stopAndExit('start-up failed', { failed: true });
});
