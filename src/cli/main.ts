// The `sluice` command.

import { Command } from 'commander';

const program = new Command('sluice').description('Job-submission gateway: HTTP → region queue → YARN');

program.command('serve').description('run the HTTP API').action(async () => {
  const { serve } = await import('./serve.ts');
  await serve();
});

program.command('worker').description("run one region's worker (submit, cancel, track)")
  .requiredOption('-r, --region <name>', 'the region to serve')
  .action(async (opts: { region: string }) => {
    const { runRegionWorker } = await import('../worker/run-region-worker.ts');
    await runRegionWorker(opts.region);
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
    const { runDevStack } = await import('./dev.ts');
    await runDevStack({ exitAfterDemo: Boolean(opts.exitAfterDemo), emulator: Boolean(opts.emulator) });
  });

program.parseAsync().catch((err: Error) => {
  console.error(`sluice: ${err.message}`);
  process.exit(1);
});
