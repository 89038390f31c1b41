// Spark through Sluice on a real Hadoop YARN: kind spark runs the region's spark-submit in YARN
// cluster mode inside the job's container, so the Spark application is the job's child. PySpark
// from PyPI (test/support/spark.ts) on the ResourceManager and NodeManager JVMs the other real-YARN
// suites use.

import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { realYarnSkip, startRealYarn, type RealYarn } from '../support/real-yarn.ts';
import { sparkRegionYarn, writePySparkApp } from '../support/spark.ts';
import { Stack } from '../support/stack.ts';
import { waitFor } from '../support/wait-for.ts';

const skip = realYarnSkip();
let yarn: RealYarn;
let stack: Stack;
let apps: string;

before(async () => {
  if (skip) return;
  yarn = await startRealYarn({ requireUserName: true });
  stack = await Stack.start({ regions: ['ry'], realYarn: { ry: yarn }, trackerIntervalMs: 500, yarn: () => sparkRegionYarn() });
  // The applications live on the nodes' disk, as an operator's would.
  apps = mkdtempSync(join(tmpdir(), 'sluice-spark-apps-'));
  writePySparkApp(join(apps, 'pi.py'), [
    'n = int(sys.argv[1])',
    'inside = spark.sparkContext.parallelize(range(n), 2).filter(lambda _: random() ** 2 + random() ** 2 <= 1).count()',
    'print(f"pi is roughly {4.0 * inside / n:.4f}")',
    'spark.stop()',
  ], ['import sys', 'from random import random']);
  writePySparkApp(join(apps, 'boom.py'), ['raise ValueError("sluice-spark-boom: the input is bad")']);
  writePySparkApp(join(apps, 'forever.py'), ['spark.sparkContext.parallelize([1], 1).map(lambda x: time.sleep(3600)).collect()'], ['import time']);
});
after(async () => {
  await stack?.close();
  await yarn?.stop();
});

const sparkJob = (script: string, extra: Record<string, unknown> = {}) => ({
  region: 'ry', name: `spark-${script}`, kind: 'spark', application: join(apps, script),
  resources: { memoryMb: 1024 }, ...extra,
});

/** The applications carrying the job's tag that YARN still runs. */
async function liveTagged(jobId: string): Promise<string[]> {
  const url = `${yarn.rmUrl}/ws/v1/cluster/apps?applicationTags=sluice-job-${jobId.toLowerCase()}&states=NEW,NEW_SAVING,SUBMITTED,ACCEPTED,RUNNING&user.name=sluice`;
  const body = await fetch(url).then((r) => r.json()) as { apps: { app?: { id: string }[] } | null };
  return (body.apps?.app ?? []).map((a) => a.id);
}

test('a PySpark job computes pi: SUCCEEDED, its Spark application on the job, the driver\'s output through the logs', { skip, timeout: 300_000 }, async () => {
  const res = await stack.submit(sparkJob('pi.py', { args: ['20000'] }));
  assert.equal(res.status, 202, JSON.stringify(res.body));
  const job = await stack.waitForState(res.body.id, 'SUCCEEDED', 240_000);
  assert.equal(job.childApplications.length, 1, JSON.stringify(job.childApplications));
  const child = job.childApplications[0]!;
  assert.equal(child.type, 'SPARK');
  assert.equal(child.finalStatus, 'SUCCEEDED');
  assert.match(child.trackingUrl ?? '', /^http/, 'the Spark application\'s tracking URL');
  const driver = await stack.request('GET', `/v1/jobs/${job.id}/logs?application=${child.id}`);
  assert.equal(driver.status, 200, JSON.stringify(driver.body));
  const pi = Number(/pi is roughly (\d\.\d+)/.exec(driver.body)?.[1]);
  assert.ok(Math.abs(pi - Math.PI) < 0.1, `pi from the driver's stdout: ${driver.body.slice(-300)}`);
  // The job's own container ran spark-submit, which reports the application it waited for.
  const launcher = await stack.request('GET', `/v1/jobs/${job.id}/logs?file=stderr`);
  assert.match(launcher.body, new RegExp(child.id));
});

test('a PySpark job that raises: FAILED, with the driver\'s error in the job\'s error', { skip, timeout: 300_000 }, async () => {
  const res = await stack.submit(sparkJob('boom.py'));
  assert.equal(res.status, 202, JSON.stringify(res.body));
  const job = await stack.waitForState(res.body.id, 'FAILED', 240_000);
  assert.equal(job.error!.code, 'CHILD_APPLICATION_FAILED', JSON.stringify(job.error));
  assert.match(job.error!.message, /sluice-spark-boom: the input is bad/);
  assert.equal(job.childApplications[0]!.finalStatus, 'FAILED');
});

test('cancel of a running Spark job: KILLED, and no application with its tag runs on YARN', { skip, timeout: 300_000 }, async () => {
  const res = await stack.submit(sparkJob('forever.py'));
  assert.equal(res.status, 202, JSON.stringify(res.body));
  await stack.waitForJob(res.body.id, (j) => j.childApplications.some((c: { state: string }) => c.state === 'RUNNING'), 240_000);
  assert.equal((await stack.request('POST', `/v1/jobs/${res.body.id}/cancel`)).status, 202);
  const job = await stack.waitForState(res.body.id, 'KILLED', 60_000);
  assert.equal(job.killReason, 'cancelled');
  assert.equal(job.childApplications[0]!.state, 'KILLED', JSON.stringify(job.childApplications));
  assert.deepEqual(await liveTagged(job.id), []);
});

test('a Spark job past its timeout: KILLED with reason timeout, and no application with its tag runs on YARN', { skip, timeout: 300_000 }, async () => {
  const res = await stack.submit(sparkJob('forever.py', { timeoutSeconds: 45 }));
  assert.equal(res.status, 202, JSON.stringify(res.body));
  const job = await stack.waitForState(res.body.id, 'KILLED', 240_000);
  assert.equal(job.killReason, 'timeout');
  assert.equal(job.error!.code, 'TIMEOUT');
  await waitFor(async () => (await liveTagged(job.id)).length === 0, { what: 'no live application tagged with the job', timeoutMs: 30_000, intervalMs: 500 });
  assert.ok(job.childApplications.some((c) => c.type === 'SPARK'), `the Spark application was on the job when it was killed: ${JSON.stringify(job.childApplications)}`);
});
