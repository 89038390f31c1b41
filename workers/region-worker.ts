// Entrypoint of one region's worker: `node --import tsx workers/region-worker.ts <region>`
// (or `sluice worker --region <region>`). Serves only that region's queues; stops on SIGINT/SIGTERM.

import { Shutdown } from '../src/runtime/index.ts';
import { runRegionWorker } from '../src/worker/run-region-worker.ts';

const shutdown = new Shutdown().installSignalHandlers();
const region = process.argv[2] ?? process.env.SLUICE_REGION;
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
