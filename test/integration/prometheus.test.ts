// Metrics end to end with a real Prometheus: it scrapes an API (`sluice serve`, a process of its
// own) and both region workers (each a process with its own listener) with a scrape token, and PromQL over its HTTP API returns the counts of a known set of jobs. Every panel
// of the shipped Grafana dashboard is a valid query over metrics that exist.

import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { register } from 'prom-client';
import { startApiProcess, type ApiProcess } from '../support/api-process.ts';
import { startPrometheus, type Prometheus } from '../support/prometheus.ts';
import { metricsUrlIn, REPO, shellJob, Stack } from '../support/stack.ts';
import { waitFor } from '../support/wait-for.ts';

const SCRAPE_TOKEN = 'scrape-token-0123456789';
let stack: Stack;
let api: ApiProcess;
let apiMetricsUrl: string;
let prometheus: Prometheus;

before(async () => {
  stack = await Stack.start({ regions: ['ra', 'rb'], trackerIntervalMs: 200, env: { SLUICE_METRICS_TOKEN: SCRAPE_TOKEN } });
  api = await startApiProcess(stack.env);
  apiMetricsUrl = metricsUrlIn(api.output.join(''), 'sluice serve');
  prometheus = await startPrometheus({
    token: SCRAPE_TOKEN,
    targets: [
      { job: 'sluice-api', url: apiMetricsUrl },
      { job: 'sluice-worker', url: stack.workerMetricsUrl('ra') },
      { job: 'sluice-worker', url: stack.workerMetricsUrl('rb') },
    ],
  });
});

after(async () => {
  await prometheus?.close();
  await api?.stop();
  await stack?.close();
});

/** The query's value per series, keyed by the given labels joined with "/". */
async function byLabels(expr: string, labels: string[]): Promise<Record<string, number>> {
  const rows = await prometheus.query(expr);
  return Object.fromEntries(rows.map((r) => [labels.map((l) => r.metric[l]).join('/'), r.value]));
}

/** Waits (a scrape is up to a second away) until the query gives exactly `expected`; fails naming what it last got. */
async function eventually(expr: string, labels: string[], expected: Record<string, number>): Promise<void> {
  let last: Record<string, number> = {};
  try {
    await waitFor(async () => isDeepStrictEqual((last = await byLabels(expr, labels)), expected), { what: expr, timeoutMs: 20_000 });
  } catch {
    assert.deepEqual(last, expected, expr);
  }
}

test('a scrape without the token is refused, on the API listener and a worker listener alike', async () => {
  for (const url of [apiMetricsUrl, stack.workerMetricsUrl('ra')]) {
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
    const res = await stack.request('POST', '/v1/jobs', { body: spec, base: api.url });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    ids.push(res.body.id);
  }
  for (const id of ids) await stack.waitForJob(id, (j) => j.state === 'SUCCEEDED' || j.state === 'FAILED');

  // Counters live in the process that made the change (API: acceptance; workers: the ends), so
  // the queries sum over every target, as a dashboard does.
  const expectFinished = { 'ra/SUCCEEDED': 3, 'ra/FAILED': 1, 'rb/SUCCEEDED': 2 };
  await eventually('sum by (region, state) (sluice_jobs_finished_total{kind="shell"})', ['region', 'state'], expectFinished);
  await eventually('sum by (region) (sluice_jobs_accepted_total{kind="shell"})', ['region'], { ra: 4, rb: 2 });
  // Each job has one 202→ACCEPTED time and one duration.
  await eventually('sum by (region) (sluice_job_submit_to_accepted_seconds_count)', ['region'], { ra: 4, rb: 2 });
  await eventually('sum by (region, state) (sluice_job_duration_seconds_count)', ['region', 'state'], expectFinished);

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
  await eventually('sluice_tracker_applications', ['region'], { ra: 0, rb: 0 });
  assert.deepEqual(await byLabels('sluice_reconciler_orphans_killed_total', ['region']), { ra: 0, rb: 0 });
  // The API reads queue depth at each scrape: all done, nothing waiting.
  await eventually('sluice_queue_jobs{queue="submit", status="waiting"}', ['region'], { ra: 0, rb: 0 });
  // Process metrics of every process.
  assert.equal((await prometheus.query('process_cpu_seconds_total')).length, 3);
});

test('every panel of the Grafana dashboard is a valid query over metrics of the catalog', async () => {
  const dashboard = JSON.parse(readFileSync(join(REPO, 'config/grafana/sluice-dashboard.json'), 'utf8'));
  const exprs: string[] = dashboard.panels.flatMap((p: { targets?: { expr: string }[] }) => (p.targets ?? []).map((t) => t.expr));
  assert.ok(exprs.length >= 10, `only ${exprs.length} panel queries`);
  // The catalog's metrics (imported by this process's API too); a histogram's series add suffixes.
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
