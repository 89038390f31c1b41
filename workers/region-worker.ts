// Entrypoint of one region's worker: `node dist/workers/region-worker.js <region>
// [--stop-on-stdin-end]` built, `node --import tsx workers/region-worker.ts …` from the sources (or
// `sluice worker --region <region>`, which picks between them). Serves only that region's queues;
// stops on SIGINT/SIGTERM, and with --stop-on-stdin-end also when its supervisor goes away.

import { stopOnStdinEnd } from '../src/process/index.ts';
import { Shutdown } from '../src/runtime/index.ts';
import { runRegionWorker } from '../src/worker/run-region-worker.ts';

const shutdown = new Shutdown().installSignalHandlers();
const args = process.argv.slice(2);
if (args.includes('--stop-on-stdin-end')) stopOnStdinEnd((reason) => shutdown.stopAndExit(reason));
const region = args.find((a) => !a.startsWith('--')) ?? process.env.SLUICE_REGION;
if (!region) {
  console.error('usage: region-worker <region>   (or set SLUICE_REGION)');
  process.exit(2);
}
try {
  await runRegionWorker(region, shutdown);
} catch (err) {
  if (!shutdown.isStopping) {
    console.error(`sluice worker for region ${region} failed to start: ${(err as Error).message}`);
    shutdown.stopAndExit('start-up failed', { failed: true });
  }
}
