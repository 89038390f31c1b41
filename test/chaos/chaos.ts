// npm run chaos [-- --jobs N --regions N --seed S --real-yarn ...]: submits jobs through Sluice's
// HTTP API while SIGKILLing workers every ~2 s, SIGKILLing Redis once and restarting a
// ResourceManager once, cancelling ~10% of the jobs and timing out ~5%; then checks that every
// accepted job ended once, with one application, and nothing is left running (README, "Chaos run").
// Exit 0 when it holds, 1 when it does not, 2 when the harness itself failed.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/dev/local-redis.ts';
import { ApiClient } from './api-client.ts';
import { ALIVE_APP_STATES, appsByJob, readEvents, TERMINAL, type AcceptedJob } from './audit.ts';
import { Children } from './children.ts';
import { listSluiceApps, startEmulators, startRealYarnCluster, type Cluster, type RmApp } from './clusters.ts';
import { Faults } from './faults.ts';
import { parseOptions } from './options.ts';
import { Random } from './random.ts';
import { ChaosRedis } from './redis-server.ts';
import { renderReport } from './report.ts';
import { plantDefects } from './self-check.ts';
import { startApi, SupervisedWorker, writeRegionFiles, type SluiceEnv } from './sluice-processes.ts';
import { verdict } from './verdict.ts';
import { planJobs, type JobPlan } from './workload.ts';

const opts = parseOptions(process.argv.slice(2));
const rng = new Random(opts.seed);
const startedAt = Date.now();
const say = (line: string): void => void process.stderr.write(`[chaos +${((Date.now() - startedAt) / 1000).toFixed(1)}s] ${line}\n`);
const verbose = (line: string): void => { if (opts.verbose) say(line); };

const scratch = mkdtempSync(join(tmpdir(), 'sluice-chaos-'));
const logDir = join(scratch, 'logs');
mkdirSync(logDir);
mkdirSync(join(scratch, 'regions'));
mkdirSync(join(scratch, 'redis'));
const children = new Children(logDir);
children.installSignalHandlers();

async function main(): Promise<number> {
  say(`seed ${opts.seed}; ${opts.jobs} jobs over ${opts.regions} region(s) on ${opts.realYarn ? 'a real YARN' : 'RM emulators'}; scratch ${scratch}`);
  const redis = new ChaosRedis(children, await freePort(), join(scratch, 'redis'));
  await redis.start();
  const regionNames = opts.realYarn ? ['chaos-yarn'] : Array.from({ length: opts.regions }, (_, i) => `chaos-${i + 1}`);
  const clusters: Cluster[] = opts.realYarn
    ? [await startRealYarnCluster(regionNames[0]!, scratch, children, (l) => say(`real-yarn: ${l}`))]
    : await startEmulators(regionNames, scratch, children);
  writeRegionFiles(clusters, join(scratch, 'regions'), scratch);
  const env: SluiceEnv = { redisUrl: redis.url, namespace: 'chaos', regionsDir: join(scratch, 'regions') };
  const apiPort = await freePort();
  let api = await startApi(children, env, apiPort);
  const apiExits: string[] = [];
  const watchApi = (): void => {
    void api.exited.then(async ({ code, signal }) => {
      if (stopping || children.closing) return;
      // An API that dies under chaos is a finding; a deployment would start it again, so do we.
      apiExits.push(`code ${code} signal ${signal}: ${api.tail.slice(-3).join(' | ')}`);
      say(`sluice serve exited by itself (code ${code}, signal ${signal}); starting it again`);
      api = await startApi(children, env, apiPort);
      watchApi();
    });
  };
  let stopping = false;
  watchApi();
  const workers = regionNames.map((r) => new SupervisedWorker(r, children, env, () => rng.jitter(opts.restartDelayMs, 0.5), say));
  await Promise.all(workers.map((w) => w.start()));
  say(`API on :${apiPort}, ${workers.length} worker(s) up, Redis ${redis.url}`);

  const client = new ApiClient(`http://127.0.0.1:${apiPort}`);
  const runId = `seed-${opts.seed}`;
  const plans = planJobs({ jobs: opts.jobs, regions: regionNames, runId, cancelFraction: opts.cancelFraction, timeoutFraction: opts.timeoutFraction }, rng);
  const faults = new Faults(rng, verbose);

  // Which jobs are known terminal: a background poll of the accepted, not yet terminal jobs.
  const accepted = new Map<string, AcceptedJob>();
  const refused: Array<{ plan: number; status: number }> = [];
  const refusalAnswers: number[] = [];
  const lastState = new Map<string, string>();
  const lastPolled = new Map<string, number>();
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const due = [...accepted.keys()].filter((id) => !TERMINAL.has(lastState.get(id) ?? '') && Date.now() - (lastPolled.get(id) ?? 0) > 2000).slice(0, 64);
      await pool(due, 8, async (id) => {
        lastPolled.set(id, Date.now());
        const a = await client.getJob(id);
        if (a.status === 200) lastState.set(id, a.body.state);
      });
      await new Promise((r) => setTimeout(r, 250));
    }
  })();

  // The fault schedule, relative to the submission window, which starts now that the stack is up.
  const submitStart = Date.now();
  const windowMs = (opts.jobs / opts.rate) * 1000;
  faults.startWorkerKiller(workers, opts.killEveryMs);
  // Redis, then the RM, never overlapping, so each recovery is the recovery from one fault.
  const rmVictim = rng.pick(clusters);
  const until = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, t - Date.now())));
  const faultRun = (async () => {
    await until(submitStart + windowMs * 0.35);
    await faults.redisOutage(redis, opts.redisDownMs, regionNames);
    await until(Math.max(submitStart + windowMs * 0.7, Date.now() + 5000));
    await faults.rmRestart(rmVictim, opts.rmDownMs);
  })();

  // Submissions at the planned rate; each retries through outages on its own.
  const cancels: Array<Promise<void>> = [];
  const submissions: Array<Promise<void>> = [];
  const progress = setInterval(() => {
    const done = [...accepted.keys()].filter((id) => TERMINAL.has(lastState.get(id) ?? '')).length;
    say(`submitted ${submissions.length}/${opts.jobs}, accepted ${accepted.size}, refused ${refused.length}, terminal ${done}, faults ${faults.timeline.length}`);
  }, 10_000);
  progress.unref();
  for (const plan of plans) {
    const due = submitStart + (plan.index / opts.rate) * 1000;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    submissions.push(submitOne(plan));
  }
  async function submitOne(plan: JobPlan): Promise<void> {
    const res = await client.submit(plan.spec, plan.idempotencyKey, 30_000);
    refusalAnswers.push(...res.refusals);
    if (!res.accepted) {
      refused.push({ plan: plan.index, status: res.status });
      verbose(`plan ${plan.index} refused: ${res.status}`);
      return;
    }
    const id = res.job.id as string;
    const job: AcceptedJob = { id, plan, acceptedAt: Date.now(), acceptStatus: res.status, cancel: null };
    accepted.set(id, job);
    if (plan.cancelAfterMs !== null) {
      cancels.push(new Promise<void>((resolve) => setTimeout(async () => {
        const at = Date.now();
        const a = await client.cancel(id, 30_000);
        job.cancel = { at, status: a.status, error: a.error };
        resolve();
      }, plan.cancelAfterMs!)));
    }
  }
  await Promise.all(submissions);
  say(`all ${opts.jobs} submissions answered: ${accepted.size} accepted, ${refused.length} refused`);
  await faultRun;
  faults.stopWorkerKiller();
  await Promise.all(cancels);

  // Drain: every accepted job terminal, or the deadline.
  const drainDeadline = Date.now() + opts.drainSeconds * 1000;
  const open = () => [...accepted.keys()].filter((id) => !TERMINAL.has(lastState.get(id) ?? ''));
  while (open().length > 0 && Date.now() < drainDeadline) await new Promise((r) => setTimeout(r, 500));
  polling = false;
  await poller;
  say(open().length === 0 ? 'every accepted job is terminal' : `${open().length} accepted job(s) still not terminal after ${opts.drainSeconds} s`);

  // Settle: alive applications of terminal (or unknown) jobs get time to be killed by reconciliation.
  const knownIds = [...accepted.keys()];
  const orphansNow = async (): Promise<RmApp[]> => {
    const apps = (await Promise.all(clusters.map((c) => listSluiceApps(c.rmUrl)))).flat();
    const { byJob } = appsByJob(apps, knownIds);
    const owner = new Map<RmApp, string>();
    for (const [id, list] of byJob) for (const app of list) owner.set(app, id);
    return apps.filter((app) => ALIVE_APP_STATES.has(app.state) && (!owner.has(app) || TERMINAL.has(lastState.get(owner.get(app)!) ?? '')));
  };
  const settleDeadline = Date.now() + opts.settleSeconds * 1000;
  let orphans = await orphansNow();
  if (orphans.length > 0) say(`${orphans.length} application(s) alive whose job is terminal or unknown; waiting up to ${opts.settleSeconds} s`);
  while (orphans.length > 0 && Date.now() < settleDeadline) {
    await new Promise((r) => setTimeout(r, 1000));
    orphans = await orphansNow();
  }

  if (opts.selfCheck) {
    if (opts.realYarn) throw new Error('--self-check runs on the emulator only');
    const reader = redis.client();
    const planted = await plantDefects({
      rmUrl: clusters[0]!.rmUrl, scratch, redis: reader, ns: env.namespace,
      jobs: [...accepted.values()].filter((a) => a.plan.region === clusters[0]!.region).map((a) => ({ id: a.id, region: a.plan.region, state: lastState.get(a.id) ?? '' })),
    });
    reader.disconnect();
    say(`self-check: planted a duplicate app for ${planted.duplicateOf}, a second terminal event for ${planted.secondTerminal}, deleted ${planted.deleted}`);
  }

  // Collect the evidence from the API, Redis and the RMs.
  const finalJobs = new Map<string, any>();
  await pool(knownIds, 16, async (id) => {
    const a = await client.getJob(id);
    finalJobs.set(id, a.status === 200 ? a.body : { id, state: a.status === 404 ? 'NOT_FOUND' : `UNREADABLE(${a.status || a.error})` });
  });
  const ghosts = (await client.listByLabel('chaos', runId)).filter((j) => !accepted.has(j.id));
  const reader = redis.client();
  const events = await readEvents(reader, env.namespace, [...knownIds, ...ghosts.map((g) => g.id as string)]);
  reader.disconnect();
  const apps = new Map<string, RmApp[]>();
  for (const c of clusters) apps.set(c.region, await listSluiceApps(c.rmUrl));

  stopping = true;
  for (const w of workers) w.stop();
  await children.stopAll();
  const report = verdict({
    seed: opts.seed, yarn: opts.realYarn ? 'real-yarn' : 'emulator', regions: regionNames, startedAt,
    submitted: opts.jobs, accepted: [...accepted.values()], refused, refusalAnswers, finalJobs,
    perJob: events.perJob, global: events.global, allGlobal: events.allGlobal, apps, ghosts,
    faults: faults.timeline, calls: client.calls,
    workerExits: workers.flatMap((w) => w.exits), workerReadyAt: workers.map((w) => ({ region: w.region, at: w.readyAt })), forcedStops: children.forcedStops,
    scratch,
  });
  if (report.ok && !opts.keep) report.scratch = null; // removed below
  for (const e of apiExits) report.examples['worker exits by themselves']!.push({ jobId: 'api', detail: e });
  console.log(renderReport(report, opts.verbose));
  if (opts.reportJson) writeFileSync(opts.reportJson, `${JSON.stringify(report, null, 2)}\n`);
  return report.ok ? 0 : 1;
}

/** Runs fn over items, at most `n` at a time. */
async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

let code = 2;
try {
  code = await main();
} catch (err) {
  process.stderr.write(`chaos: the harness failed: ${(err as Error).stack ?? String(err)}\n`);
} finally {
  await children.stopAll();
  if (!opts.keep && code === 0) rmSync(scratch, { recursive: true, force: true });
  else process.stderr.write(`chaos: logs, AOF and region files kept in ${scratch}\n`);
}
process.exit(code);
