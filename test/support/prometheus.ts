// A real Prometheus (Debian's `prometheus` package) for the metrics tests: scrapes the given
// targets every second with a bearer token, on a free port, in a scratch directory; query() runs
// PromQL over its HTTP API. close() kills it (and its scratch); nothing outlives the test.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/dev/local-redis.ts';
import { waitFor } from './wait-for.ts';

export interface Prometheus {
  url: string;
  /** An instant query's result vector: each series' labels and value. */
  query(expr: string): Promise<{ metric: Record<string, string>; value: number }[]>;
  close(): Promise<void>;
}

export interface PromTarget { job: string; url: string }

export async function startPrometheus(opts: { targets: PromTarget[]; token: string }): Promise<Prometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-prometheus-'));
  const port = await freePort();
  // One scrape config per job name; each target's host:port, path /metrics.
  const jobs = new Map<string, string[]>();
  for (const t of opts.targets) jobs.set(t.job, [...(jobs.get(t.job) ?? []), new URL(t.url).host]);
  const config = {
    global: { scrape_interval: '1s', scrape_timeout: '900ms', evaluation_interval: '1s' },
    scrape_configs: [...jobs].map(([job, hosts]) => ({
      job_name: job,
      metrics_path: '/metrics',
      authorization: { type: 'Bearer', credentials: opts.token },
      static_configs: [{ targets: hosts }],
    })),
  };
  writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify(config)); // JSON is YAML
  const output: string[] = [];
  const child: ChildProcess = spawn('prometheus', [
    `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => (await fetch(`${url}/-/ready`).catch(() => null))?.ok, {
      what: 'prometheus ready', timeoutMs: 30_000, detail: () => output.join('').slice(-2000),
    });
  } catch (err) {
    await close();
    throw err;
  }
  return {
    url,
    close,
    async query(expr) {
      const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: expr })}`);
      const body = await res.json() as { status: string; error?: string; data?: { result: { metric: Record<string, string>; value: [number, string] }[] } };
      if (body.status !== 'success') throw new Error(`PromQL ${expr}: ${body.error}`);
      return body.data!.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
    },
  };
}
