// Webhook deliveries end to end: the Stack's API runs the fan-out and the delivery worker, the
// region worker runs jobs on the RM emulator, and a real receiver in Python (PyPI standardwebhooks)
// verifies every signature. A job's state changes arrive verified, with the job view; a receiver
// that fails twice gets the same message a third time; a filter lets exactly its events through.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { webhookDeliveries } from '../../src/metrics/catalog.ts';
import { PythonReceiver, type ReceivedMessage } from '../support/webhook-receiver.ts';
import { shellJob, Stack } from '../support/stack.ts';
import { waitFor } from '../support/wait-for.ts';

let stack: Stack;
const receivers: PythonReceiver[] = [];

before(async () => {
  stack = await Stack.start({
    regions: ['ra'],
    webhooks: true,
    env: {
      SLUICE_WEBHOOKS_ALLOWED_NETWORKS: '127.0.0.1/32',
      SLUICE_WEBHOOKS_BACKOFF_BASE_MS: '100',
      SLUICE_WEBHOOKS_BACKOFF_MAX_MS: '500',
      SLUICE_WEBHOOKS_RETRY_WINDOW_SECONDS: '30',
      SLUICE_WEBHOOKS_TIMEOUT_MS: '2000',
    },
  });
});

after(async () => {
  await Promise.allSettled(receivers.map((r) => r.stop()));
  await stack?.close();
});

async function receiver(opts: { failFirst?: number } = {}): Promise<PythonReceiver> {
  const r = await PythonReceiver.start(opts);
  receivers.push(r);
  return r;
}

async function subscribe(r: PythonReceiver, filter: Record<string, unknown>): Promise<string> {
  const res = await stack.request('POST', '/v1/webhooks', { body: { url: r.url(), filter } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  r.setSecret(res.body.secret);
  return res.body.id;
}

const eventsOf = (r: PythonReceiver, jobId: string) => r.messages.filter((m) => m.type === 'job.state_changed' && m.data.event.jobId === jobId);

test('a job run to SUCCEEDED: the receiver gets every state change, verified, with the job view', async () => {
  const r = await receiver();
  await subscribe(r, { types: ['job.state_changed'], labels: ['case:lifecycle'] });
  const res = await stack.submit(shellJob('ra', 'true', { labels: { case: 'lifecycle', team: 'search' } }));
  assert.equal(res.status, 202);
  const jobId = res.body.id as string;
  await stack.waitForState(jobId, 'SUCCEEDED');
  const recorded = (await stack.redis.xrange(`${stack.ns}:events:job:${jobId}`, '-', '+')).map(([id, flat]) => ({ id, to: flat[flat.indexOf('to') + 1] }));
  await waitFor(() => eventsOf(r, jobId).length >= recorded.length, { what: `all ${recorded.length} state changes delivered`, detail: () => r.log() });
  const got = eventsOf(r, jobId);
  assert.deepEqual(got.map((m) => m.data.event.to).sort(), recorded.map((e) => e.to).sort());
  assert.deepEqual(got.map((m) => m.data.event.id).sort(), recorded.map((e) => e.id).sort(), 'each event once, by its stream id');
  for (const m of got) {
    assert.equal(m.status, 204);
    assert.equal(m.data.job.id, jobId);
    assert.deepEqual(m.data.job.labels, { case: 'lifecycle', team: 'search' });
    assert.match(m.webhookId, /^msg_wh_[0-9A-Z]{26}_\d+-\d+$/);
    assert.match(m.userAgent, /^Sluice-Webhooks\/\d/);
  }
  const last = got.find((m) => m.data.event.to === 'SUCCEEDED')!;
  assert.equal(last.data.job.state, 'SUCCEEDED');
  assert.equal(new Set(got.map((m) => m.webhookId)).size, got.length, 'one webhook-id per event');
  assert.deepEqual(r.rejected, []);
});

test('a receiver that fails twice: the same webhook-id three times, then delivered; failures reset', async () => {
  const r = await receiver({ failFirst: 2 });
  const id = await subscribe(r, { labels: ['case:none'] });
  const before = await deliveries();
  const queued = await stack.request('POST', `/v1/webhooks/${id}/test`);
  assert.equal(queued.status, 202, JSON.stringify(queued.body));
  const { webhookId } = queued.body;
  const mine = () => r.messages.filter((m) => m.webhookId === webhookId);
  await waitFor(() => mine().some((m) => m.status === 204), { what: 'the test message delivered on the third attempt', detail: () => r.log() });
  assert.deepEqual(mine().map((m) => m.status), [500, 500, 204]);
  assert.equal(mine()[0]!.type, 'webhook.test');
  const timestamps = mine().map((m) => Number(m.timestamp));
  assert.ok(timestamps.every((t, i) => i === 0 || t >= timestamps[i - 1]!), 'webhook-timestamp is each attempt\'s own');
  const sub = await waitFor(async () => {
    const res = await stack.request('GET', `/v1/webhooks/${id}`);
    return res.body.attempts?.length === 3 ? res.body : null;
  }, { what: 'three attempts in the log' });
  assert.deepEqual(sub.attempts.map((a: { outcome: string }) => a.outcome), ['delivered', 'retrying', 'retrying'], 'newest first');
  assert.deepEqual(sub.attempts.map((a: { status: number }) => a.status), [204, 500, 500]);
  assert.deepEqual(sub.attempts.map((a: { attempt: number }) => a.attempt), [3, 2, 1]);
  assert.ok(sub.attempts.every((a: { webhookId: string }) => a.webhookId === webhookId));
  const gaps = sub.attempts.map((a: { at: string }) => Date.parse(a.at)).reverse();
  assert.ok(gaps[1] - gaps[0] >= 90 && gaps[2] - gaps[1] >= 190, `backoff 100 ms then 200 ms: attempts at ${gaps}`);
  assert.equal(sub.consecutiveFailures, 0);
  assert.equal(sub.enabled, true);
  assert.equal(sub.lastAttempt.outcome, 'delivered');
  assert.equal('secret' in sub, false);
  // The API process's metrics (the delivery worker runs in it, here this process) count each attempt.
  const after = await deliveries();
  assert.deepEqual({ retrying: after.retrying! - before.retrying!, delivered: after.delivered! - before.delivered!, failed: after.failed! - before.failed! },
    { retrying: 2, delivered: 1, failed: 0 });
});

/** sluice_webhook_deliveries_total by outcome, every outcome present from the start. */
async function deliveries(): Promise<Record<string, number>> {
  const { values } = await webhookDeliveries.get();
  return Object.fromEntries(values.map((v) => [String(v.labels.outcome), v.value]));
}

test('filter labels team:search and state FAILED: exactly the search team\'s FAILED events', async () => {
  const filtered = await receiver();
  const everything = await receiver();
  const filteredId = await subscribe(filtered, { labels: ['team:search'], states: ['FAILED'] });
  await subscribe(everything, { labels: ['case:filter'] });
  const jobs: Record<string, string> = {};
  for (const [team, script] of [['search', 'true'], ['search', 'exit 3'], ['ads', 'true'], ['ads', 'exit 3']] as const) {
    const res = await stack.submit(shellJob('ra', script, { labels: { case: 'filter', team } }));
    assert.equal(res.status, 202);
    jobs[`${team}:${script === 'true' ? 'ok' : 'fail'}`] = res.body.id;
  }
  for (const id of Object.values(jobs)) await stack.waitForJob(id, (j) => ['SUCCEEDED', 'FAILED'].includes(j.state));
  const terminal = (m: ReceivedMessage) => ['SUCCEEDED', 'FAILED'].includes(m.data.event?.to);
  await waitFor(() => everything.messages.filter(terminal).length === 4, { what: 'the catch-all subscription got all four ends', detail: () => everything.log() });
  await waitFor(() => filtered.messages.length >= 1, { what: 'the search FAILED event', detail: () => filtered.log() });
  // The fan-out queues an event's deliveries together: every event the catch-all got had its
  // chance, and none but the search FAILED one was queued for the filtered subscription.
  const queuedForFiltered = [];
  for (const m of everything.messages) {
    if (await stack.redis.exists(`${stack.ns}:{bull-webhooks}:webhooks:${filteredId}-${m.data.event.id}`)) queuedForFiltered.push([m.data.event.jobId, m.data.event.to]);
  }
  assert.deepEqual(queuedForFiltered, [[jobs['search:fail'], 'FAILED']], 'queued for the filtered subscription');
  assert.deepEqual(filtered.messages.map((m) => [m.data.event.jobId, m.data.event.to]), [[jobs['search:fail'], 'FAILED']]);
  assert.equal(filtered.messages[0]!.data.job.labels.team, 'search');
});
