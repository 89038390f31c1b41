// Starts this process's /metrics listener when metrics are on, its stop registered first, and
// says where it listens (the start-up log line tests and `sluice dev` read the URL from).

import type { Logger } from 'pino';
import type { SluiceConfig } from '../config/config.ts';
import { startMetricsServer } from '../metrics/metrics-server.ts';
import type { Shutdown } from './shutdown.ts';

export async function launchMetrics(config: SluiceConfig, shutdown: Shutdown, log: Logger): Promise<string | null> {
  if (!config.metrics.enabled) return null;
  const { host, port, token } = config.metrics;
  const server = await shutdown.launch('metrics', () => startMetricsServer({ host, port, token }), (m) => m.close(), { deadlineMs: 1000 });
  log.info({ metricsUrl: server.url, token: token ? 'required' : 'none' }, 'metrics listening');
  return server.url;
}
