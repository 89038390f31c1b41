// The submit step's tag lookup (exactly-once step 1) runs only when an application may already
// exist for the job: never on a first delivery of a job recorded since the worker's connection
// came up, always after a failed attempt, and always when Redis may have lost the writes that
// recorded a submit (here: the connection dropped, as a Redis restart drops it, and the record is
// back as it was before the submit). Real Redis, real emulator, the real submit processor in a
// real BullMQ worker; only the RM client is wrapped, to count its calls.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { createSubmitProcessor } from '../../src/queue/submit-processor.ts';
import { queuePrefix, submitQueueName, type SubmitJobData } from '../../src/queue/queue-names.ts';
import { JobStore, keysFor, WriteLossWatch } from '../../src/store/index.ts';
import { jobTag } from '../../src/yarn/distributed-shell.ts';
import type { ResourceManager } from '../../src/yarn/resource-manager.ts';
import { regionContext, type TestRegionContext } from '../support/region-context.ts';
import { redisUrl, shellJob, Stack } from '../support/stack.ts';
import { waitFor } from '../support/wait-for.ts';

let stack: Stack;
let ctx: TestRegionContext;
let storeRedis: Redis;
let watch: WriteLossWatch;
let worker: Worker<SubmitJobData>;
let workerRedis: Redis;
const calls = { lookups: [] as string[], newApplication: 0 };

before(async () => {
  stack = await Stack.start({ regions: ['ra'], startWorkers: false });
  ctx = regionContext(stack, 'ra');
  // The store's own connection, as in a worker: the one the watch follows and the test drops.
  storeRedis = new Redis(redisUrl(), { maxRetriesPerRequest: null, connectionName: 'test:submit-lookup-store' });
  const store = new JobStore(storeRedis, keysFor(stack.ns), { idempotencyTtlSeconds: 3600, eventsMaxLength: 100_000, retentionSeconds: 3600 });
  watch = new WriteLossWatch(storeRedis, { clockSlackMs: 0 });
  watch.start();
  const rm = ctx.rm;
  const counting: ResourceManager = Object.create(rm);
  counting.listApplications = (query, signal) => {
    const tag = query.tags?.find((t) => t !== 'sluice');
    if (tag) calls.lookups.push(tag);
    return rm.listApplications(query, signal);
  };
  counting.newApplication = (signal) => {
    calls.newApplication++;
    return rm.newApplication(signal);
  };
  workerRedis = new Redis(redisUrl(), { maxRetriesPerRequest: null, connectionName: 'test:submit-lookup-worker' });
  worker = new Worker<SubmitJobData>(submitQueueName('ra'), createSubmitProcessor({ ...ctx, store, rm: counting, writeLoss: watch }), {
    prefix: queuePrefix(stack.ns, 'ra'), connection: workerRedis, concurrency: 4,
  });
  // Jobs recorded from now on come after the connection's (first) reading.
  await waitFor(() => !watch.mayHaveLost(Number.MAX_SAFE_INTEGER), { what: "the first reading of Redis's clock", timeoutMs: 5000 });
});

after(async () => {
  await worker?.close();
  watch?.stop();
  storeRedis?.disconnect();
  workerRedis?.disconnect();
  await ctx?.close();
  await stack?.close();
});

async function job(id: string) {
  return (await stack.request('GET', `/v1/jobs/${id}`)).body;
}

function reset() {
  calls.lookups.length = 0;
  calls.newApplication = 0;
}

test('a first delivery of a job recorded since the connection came up: no tag lookup', async () => {
  reset();
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await stack.submit(shellJob('ra', 'echo first'))).body.id);
  for (const id of ids) await waitFor(async () => ['ACCEPTED', 'RUNNING', 'SUCCEEDED'].includes((await job(id)).state), { what: `${id} ACCEPTED`, timeoutMs: 15_000 });
  assert.deepEqual(calls.lookups, []);
  assert.equal(calls.newApplication, 5);
});

test('an attempt after a failed one looks the application up first', async () => {
  reset();
  stack.emulators.get('ra')!.injectFailure({ method: 'POST', pathPrefix: '/ws/v1/cluster/apps/new-application', status: 503, times: 1, body: 'busy' });
  const id = (await stack.submit(shellJob('ra', 'echo retried'))).body.id;
  await waitFor(async () => ['ACCEPTED', 'RUNNING', 'SUCCEEDED'].includes((await job(id)).state), { what: `${id} ACCEPTED`, timeoutMs: 20_000 });
  assert.deepEqual(calls.lookups, [jobTag(id)]);
});

test('Redis lost the writes of a submit (its connection dropped): the job adopts its application, no second one', async () => {
  const id = (await stack.submit(shellJob('ra', 'sleep 30'))).body.id;
  await waitFor(async () => ['ACCEPTED', 'RUNNING'].includes((await job(id)).state), { what: `${id} ACCEPTED`, timeoutMs: 15_000 });
  const before = await job(id);
  reset();
  // As a Redis restart that lost its last second: the connection drops, and the record and the
  // queue entry are back as they were when the job was recorded.
  await stack.redis.client('KILL', 'ID', String(await storeRedis.client('ID')));
  const key = `${stack.ns}:job:${id}`;
  await stack.redis.multi()
    .hset(key, 'state', 'QUEUED')
    .hdel(key, 'applicationId', 'submittedAtMs', 'application')
    .zrem(keysFor(stack.ns).tracked('ra'), before.application.id)
    .hdel(keysFor(stack.ns).appJobs('ra'), before.application.id)
    .exec();
  const q = new Queue(submitQueueName('ra'), { prefix: queuePrefix(stack.ns, 'ra'), connection: stack.redis });
  await q.remove(id);
  await q.add('submit', { jobId: id }, { jobId: id });
  await waitFor(async () => ['ACCEPTED', 'RUNNING'].includes((await job(id)).state), { what: `${id} ACCEPTED again`, timeoutMs: 15_000 });
  await q.close();
  assert.deepEqual(calls.lookups, [jobTag(id)]);
  assert.equal(calls.newApplication, 0);
  const tagged = await ctx.rm.listApplications({ tags: [jobTag(id)] });
  assert.equal(tagged.length, 1, `applications tagged: ${tagged.map((a) => a.id)}`);
  assert.equal((await job(id)).application.id, before.application.id);
});
