// Metrics end to end with a real Prometheus: it scrapes the stack's API (its metrics listener, in
// this process) and both region workers (their own listeners, each a process of its own) with a
// scrape token, and PromQL over its HTTP API returns the counts of a known set of jobs. Every panel
// of the shipped Grafana dashboard is a valid query over metrics that exist.

import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { register } from 'prom-client';
import { startMetricsServer, type MetricsServer } from '../../src/metrics/metrics-server.ts';
import { startPrometheus, type Prometheus } from '../support/prometheus.ts';
import { REPO, shellJob, Stack } from '../support/stack.ts';
import { waitFor } from '../support/wait-for.ts';

const SCRAPE_TOKEN = 'scrape-token-0123456789';
let stack: Stack;
let apiMetrics: MetricsServer;
let prometheus: Prometheus;

before(async () => {
  stack = await Stack.start({ regions: ['ra', 'rb'], trackerIntervalMs: 200, env: { SLUICE_METRICS_TOKEN: SCRAPE_TOKEN } });
  // The API runs in this process: its metrics are this process's registry, served as `sluice serve` does.
  apiMetrics = await startMetricsServer({ host: '127.0.0.1', port: 0, token: SCRAPE_TOKEN });
  prometheus = await startPrometheus({
    token: SCRAPE_TOKEN,
    targets: [
      { job: 'sluice-api', url: apiMetrics.url },
      { job: 'sluice-worker', url: stack.workerMetricsUrl('ra') },
      { job: 'sluice-worker', url: stack.workerMetricsUrl('rb') },
    ],
  });
});

after(async () => {
  await prometheus?.close();
  await apiMetrics?.close();
  await stack?.close();
});

/** The query's value per series, keyed by the given labels joined with "/". */
async function byLabels(expr: string, labels: string[]): Promise<Record<string, number>> {
  const rows = await prometheus.query(expr);
  return Object.fromEntries(rows.map((r) => [labels.map((l) => r.metric[l]).join('/'), r.value]));
}

test('a scrape without the token is refused, on the API listener and a worker listener alike', async () => {
  for (const url of [apiMetrics.url, stack.workerMetricsUrl('ra')]) {
    assert.equal((await fetch(url)).status, 401, url);
    assert.equal((await fetch(url, { headers: { authorization: 'Bearer wrong-token-000000' } })).status, 401, url);
    const ok = await fetch(url, { headers: { authorization: `Bearer ${SCRAPE_TOKEN}` } });
    assert.equal(ok.status, 200, url);
    assert.match(ok.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  }
});

test('after a known set of jobs, Prometheus has their counts per region and state', async () => {
  const jobs = [
    ...[1, 2, 3].map(() => shellJob('ra', 'exit 0')),
    shellJob('ra', 'exit 3'),
    ...[1, 2].map(() => shellJob('rb', 'exit 0')),
  ];
  const ids: string[] = [];
  for (const spec of jobs) {
    const res = await stack.submit(spec);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    ids.push(res.body.id);
  }
  for (const id of ids) await stack.waitForJob(id, (j) => j.state === 'SUCCEEDED' || j.state === 'FAILED');

  // Counters live in the process that made the change (API: acceptance; workers: the ends), so
  // the queries sum over every target, as a dashboard does.
  const expectFinished = { 'ra/SUCCEEDED': 3, 'ra/FAILED': 1, 'rb/SUCCEEDED': 2 };
  const finished = await waitFor(async () => {
    const got = await byLabels('sum by (region, state) (sluice_jobs_finished_total{kind="shell"})', ['region', 'state']);
    return isDeepStrictEqual(got, expectFinished) && got;
  }, { what: 'the finished counts in Prometheus', timeoutMs: 20_000 });
  assert.deepEqual(finished, expectFinished);

  assert.deepEqual(await byLabels('sum by (region) (sluice_jobs_accepted_total{kind="shell"})', ['region']), { ra: 4, rb: 2 });
  // Each job has one 202→ACCEPTED time and one duration.
  assert.deepEqual(await byLabels('sum by (region) (sluice_job_submit_to_accepted_seconds_count)', ['region']), { ra: 4, rb: 2 });
  assert.deepEqual(await byLabels('sum by (region, state) (sluice_job_duration_seconds_count)', ['region', 'state']), expectFinished);

  // Every target is up; each worker reports its own region only.
  const up = await prometheus.query('up');
  assert.equal(up.length, 3);
  assert.ok(up.every((s) => s.value === 1), JSON.stringify(up));
  const submits = await byLabels('sum by (region, job) (sluice_rm_requests_total{operation="submit", outcome="ok"})', ['region', 'job']);
  assert.deepEqual(submits, { 'ra/sluice-worker': 4, 'rb/sluice-worker': 2 });
  const endpoints = await prometheus.query('sluice_rm_request_duration_seconds_count{region="ra", operation="submit"}');
  assert.equal(endpoints.length, 1);
  assert.equal(endpoints[0]!.metric.endpoint, stack.emulators.get('ra')!.url);

  assert.deepEqual(await byLabels('sluice_region_intake_open', ['region']), { ra: 1, rb: 1 });
  assert.deepEqual(await byLabels('sluice_preflight_check_up', ['region', 'check']), { 'ra/yarn-rm': 1, 'rb/yarn-rm': 1 });
  const ticks = await byLabels('sum by (region) (sluice_tracker_tick_duration_seconds_count)', ['region']);
  assert.ok(ticks.ra! > 0 && ticks.rb! > 0, JSON.stringify(ticks));
  assert.deepEqual(await byLabels('sluice_tracker_applications', ['region']), { ra: 0, rb: 0 });
  assert.deepEqual(await byLabels('sluice_reconciler_orphans_killed_total', ['region']), { ra: 0, rb: 0 });
  // The API reads queue depth at each scrape: all done, nothing waiting.
  const waiting = await byLabels('sluice_queue_jobs{queue="submit", status="waiting"}', ['region']);
  assert.deepEqual(waiting, { ra: 0, rb: 0 });
  // Process metrics of every process.
  assert.equal((await prometheus.query('process_cpu_seconds_total')).length, 3);
});

test('every panel of the Grafana dashboard is a valid query over metrics of the catalog', async () => {
  const dashboard = JSON.parse(readFileSync(join(REPO, 'config/grafana/sluice-dashboard.json'), 'utf8'));
  const exprs: string[] = dashboard.panels.flatMap((p: { targets?: { expr: string }[] }) => (p.targets ?? []).map((t) => t.expr));
  assert.ok(exprs.length >= 10, `only ${exprs.length} panel queries`);
  // The catalog's metrics (this process imported it with the API); a histogram's series add suffixes.
  const names = new Set(register.getMetricsAsArray().map((m) => m.name));
  for (const expr of exprs) {
    // Dashboard variables stand for a region regex.
    const query = expr.replaceAll('$region', '.*').replaceAll('$__rate_interval', '1m');
    await prometheus.query(query); // throws on a PromQL error
    for (const metric of expr.match(/\bsluice_[a-z_]+/g) ?? []) {
      assert.ok(names.has(metric.replace(/_(bucket|count|sum)$/, '')), `${metric} (in ${expr}) is not in the metrics catalog`);
    }
  }
});
