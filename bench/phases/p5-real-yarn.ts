// P5 (--real-yarn): trivial shell jobs (`echo hi`) on a real Hadoop YARN (src/local-yarn: RM + NM
// JVMs from Maven Central's jars), one after another through the bench's own API and a worker whose
// region points at that RM (the DS jar, AM classpath and hadoop shim the dev stack's region uses).
// Per job, all on this host's clock:
// - end-to-end: the POST's 202 → the terminal event received on the API's event stream;
// - YARN's own time: the app's finishedTime − startedTime (RM REST /ws/v1/cluster/apps/{id});
// - Sluice's share: (end-to-end − YARN's time) ÷ end-to-end;
// - QUEUED → ACCEPTED: the two state_changed events' `at` (the job's event history);
// - the finished gap: the job's finishedAt − YARN's finishedTime (what the tracker's tick costs).
// YARN is started for this phase only (its JVMs would distort P1–P4) and stopped at its end; a stop
// step registered before it starts stops it (and kills its containers) on Ctrl-C too.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { isTerminal, parseJobState } from '../../src/jobs/index.ts';
import { javaAvailable, startLocalYarn, type LocalYarn } from '../../src/local-yarn/index.ts';
import type { Shutdown } from '../../src/runtime/index.ts';
import { LoadClient, type LoadResult } from '../load.ts';
import type { BenchOptions } from '../options.ts';
import { shippedWorker, writeRegions } from '../regions.ts';
import { startWorker } from '../sluice-process.ts';
import { watchEvents } from '../sse-watch.ts';
import type { BenchStack } from '../stack.ts';
import { round, until } from '../stats.ts';

/** A shell job's run on a 1-node YARN is seconds (AM container start); this bounds a stuck one. */
const JOB_TIMEOUT_MS = 180_000;

export interface MeanMax {
  mean: number;
  max: number;
}

export interface RealYarnJob {
  jobId: string;
  applicationId: string;
  state: string;
  endToEndMs: number;
  yarnMs: number;
  sluiceSharePercent: number;
  queuedToAcceptedMs: number;
  /** finishedAt (Sluice) − finishedTime (YARN). */
  finishedGapMs: number;
}

export interface RealYarnShare {
  jobs: number;
  hadoopVersion: string;
  trackerIntervalMs: number;
  endToEndMs: MeanMax;
  yarnMs: MeanMax;
  /** Per job (end-to-end − YARN's own start-to-finish) ÷ end-to-end, in percent. */
  sluiceSharePercent: MeanMax;
  queuedToAcceptedMs: MeanMax;
  finishedGapMs: MeanMax;
  perJob: RealYarnJob[];
}

interface RmApp {
  state: string;
  finalStatus: string;
  startedTime: number;
  finishedTime: number;
}

interface JobEvent {
  type: string;
  to?: string;
  at?: string;
}

export async function measureRealYarn(stack: BenchStack, opts: BenchOptions, step: (text: string) => void, shutdown: Shutdown): Promise<RealYarnShare> {
  if (!javaAvailable()) throw new Error('bench: --real-yarn needs Java ≥ 17, and Maven or the Hadoop jars cached (~/.cache/sluice)');
  const [region] = stack.regions(1) as [string];
  step('  starting a real Hadoop YARN (first run downloads its jars from Maven Central)');
  let started: LocalYarn | undefined;
  const yarn = await shutdown.launch('real yarn', async (signal) => (started = await startLocalYarn({ signal, log: (l) => step(`  yarn: ${l}`) })),
    (y) => y.stop(), { deadlineMs: 20_000, force: () => started?.kill() });
  try {
    step(`  YARN ${yarn.hadoopVersion} at ${yarn.rmUrl} (up in ${yarn.startupMs} ms)`);
    pointRegionAt(stack, region, yarn);
    stack.workers.set(region, stack.children.add(await startWorker(region, stack.env(), stack.logDir, stack.signal)));
    const perJob: RealYarnJob[] = [];
    for (let i = 0; i < opts.p5Jobs; i++) {
      const job = await runOne(stack, region, yarn.rmUrl);
      perJob.push(job);
      step(`  ${job.jobId} ${job.applicationId} ${job.state}: end-to-end ${job.endToEndMs} ms, YARN ${job.yarnMs} ms, Sluice ${job.sluiceSharePercent}%, QUEUED → ACCEPTED ${job.queuedToAcceptedMs} ms, finishedTime → finishedAt ${job.finishedGapMs} ms`);
    }
    const of = (k: keyof RealYarnJob) => meanMax(perJob.map((j) => j[k] as number));
    return {
      jobs: perJob.length,
      hadoopVersion: yarn.hadoopVersion,
      trackerIntervalMs: shippedWorker().trackerIntervalMs,
      endToEndMs: of('endToEndMs'),
      yarnMs: of('yarnMs'),
      sluiceSharePercent: of('sluiceSharePercent'),
      queuedToAcceptedMs: of('queuedToAcceptedMs'),
      finishedGapMs: of('finishedGapMs'),
      perJob,
    };
  } finally {
    // The worker before the RM it tracks; then the JVMs and any container left (stop() is idempotent:
    // the registered stop step finds nothing more to do).
    await stack.stopWorkers();
    step('  stopping YARN');
    await yarn.stop();
  }
}

/** The bench's region file for `region`, its yarn block as the dev stack writes it for a local YARN. */
function pointRegionAt(stack: BenchStack, region: string, yarn: LocalYarn): void {
  writeRegions(stack.regionsDir, stack.runDir, stack.regionCount, new Map([[region, yarn.rmUrl]]));
  const file = join(stack.regionsDir, `${region}.json`);
  const raw = JSON.parse(readFileSync(file, 'utf8')) as { yarn: Record<string, unknown> };
  raw.yarn = { ...raw.yarn, distributedShellJar: yarn.distributedShellJar, amClasspath: yarn.amClasspath, hadoopJarCommand: yarn.hadoopJarCommand };
  writeFileSync(file, JSON.stringify(raw, null, 2));
}

async function runOne(stack: BenchStack, region: string, rmUrl: string): Promise<RealYarnJob> {
  const api = stack.api!;
  const watch = watchEvents(api.url, stack.token, region);
  const load = new LoadClient(api.url, stack.token, 1);
  try {
    await watch.opened;
    const out: LoadResult = { accepted: [], refused: {}, ms: 0 };
    await load.post(region, out);
    const accepted = out.accepted[0];
    if (!accepted) throw new Error(`bench: P5's POST was refused (${JSON.stringify(out.refused)})`);
    const { jobId, at: acceptedAt } = accepted;
    const terminal = (await until(() => watch.changes.find((c) => c.jobId === jobId && isTerminal(parseJobState(c.to))),
      `job ${jobId} reaching a terminal state on the event stream`, JOB_TIMEOUT_MS, stack.signal, 5))!;
    const job = await getJson<{ state: string; createdAt: string; finishedAt: string | null; application: { id: string } | null }>(`${api.url}/v1/jobs/${jobId}`, stack.token);
    if (!job.application || !job.finishedAt) throw new Error(`bench: job ${jobId} ended ${job.state} with no application or finishedAt`);
    const app = (await getJson<{ app: RmApp }>(`${rmUrl}/ws/v1/cluster/apps/${job.application.id}`)).app;
    const events = await jobEvents(api.url, stack.token, jobId);
    const at = (state: string) => Date.parse(events.find((e) => e.type === 'job.state_changed' && e.to === state)?.at ?? '');
    // QUEUED is the job's creation (its event, else the record's createdAt).
    const queuedAt = Number.isFinite(at('QUEUED')) ? at('QUEUED') : Date.parse(job.createdAt);
    const endToEndMs = terminal.receivedAt - acceptedAt;
    const yarnMs = app.finishedTime - app.startedTime;
    return {
      jobId,
      applicationId: job.application.id,
      state: `${job.state} (YARN ${app.state}/${app.finalStatus})`,
      endToEndMs,
      yarnMs,
      sluiceSharePercent: round(((endToEndMs - yarnMs) / endToEndMs) * 100, 2),
      queuedToAcceptedMs: at('ACCEPTED') - queuedAt,
      finishedGapMs: Date.parse(job.finishedAt) - app.finishedTime,
    };
  } finally {
    watch.close();
    await load.close();
  }
}

async function getJson<T>(url: string, token?: string): Promise<T> {
  const res = await request(url, { headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, headersTimeout: 10_000, bodyTimeout: 10_000 });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`bench: GET ${url} answered ${res.statusCode}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** A finished job's event history: its own stream replays every event, then ends after the terminal one. */
async function jobEvents(apiUrl: string, token: string, jobId: string): Promise<JobEvent[]> {
  const res = await request(`${apiUrl}/v1/jobs/${jobId}/events`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, headersTimeout: 10_000, bodyTimeout: 10_000,
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`bench: the events of ${jobId} answered ${res.statusCode}: ${text.slice(0, 300)}`);
  return text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)) as JobEvent);
}

function meanMax(values: number[]): MeanMax {
  return { mean: round(values.reduce((a, b) => a + b, 0) / values.length, 2), max: round(Math.max(...values), 2) };
}
