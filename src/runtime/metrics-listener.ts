// Starts this process's /metrics listener when metrics are on, its stop registered first, and
// says where it listens (the start-up log line tests and `sluice dev` read the URL from).
// A listener that can't start (its port taken by another Sluice process on the host, say) is
// logged as an error and the process runs on without it: metrics never stop jobs.

import type { Logger } from 'pino';
import type { SluiceConfig } from '../config/config.ts';
import { startMetricsServer } from '../metrics/metrics-server.ts';
import type { Shutdown } from './shutdown.ts';

export async function launchMetrics(config: SluiceConfig, shutdown: Shutdown, log: Logger): Promise<string | null> {
  if (!config.metrics.enabled) return null;
  const { host, port, token } = config.metrics;
  try {
    const server = await shutdown.launch('metrics', () => startMetricsServer({ host, port, token }), (m) => m.close(), { deadlineMs: 1000 });
    log.info({ metricsUrl: server.url, token: token ? 'required' : 'none' }, 'metrics listening');
    return server.url;
  } catch (err) {
    if (shutdown.isStopping) throw err;
    log.error({ err }, `no /metrics for this process: ${(err as Error).message} (each process on a host needs its own SLUICE_METRICS_PORT)`);
    return null;
  }
}
