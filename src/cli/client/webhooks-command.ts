// `sluice webhooks add|ls|rm|test|enable`: webhook subscriptions (admins). `add` prints the signing
// secret once; `test` queues a test message and waits for its first attempt's outcome.

import type { WebhookAttempt, WebhookFilter, WebhookSubscription } from '../../client/index.ts';
import { sleep } from '../../client/retry-policy.ts';
import { CliError } from './cli-error.ts';
import type { CommandContext } from './command-context.ts';
import { EXIT } from './exit-codes.ts';
import { note, print, printJson, renderFields } from './output.ts';
import { renderTable } from './table.ts';

export interface AddFlags {
  type?: string[];
  region?: string[];
  state?: string[];
  label?: string[];
  description?: string;
  json?: boolean;
}

export async function webhooksAddCommand(ctx: CommandContext, url: string, flags: AddFlags): Promise<void> {
  const filter: WebhookFilter = {};
  const types = list(flags.type);
  if (types.length) filter.types = types as WebhookFilter['types'];
  const regions = list(flags.region);
  if (regions.length) filter.regions = regions;
  const states = list(flags.state).map((s) => s.toUpperCase());
  if (states.length) filter.states = states as WebhookFilter['states'];
  // k=v is taken too, like `submit --label`.
  const labels = list(flags.label).map((l) => (l.includes(':') ? l : l.replace('=', ':')));
  if (labels.length) filter.labels = labels;
  const created = await ctx.client.createWebhook({ url, description: flags.description, filter }, { signal: ctx.signal });
  note('sluice: keep the secret now: it is shown only this once (receivers verify signatures with it)');
  if (flags.json) {
    printJson(created);
    return;
  }
  print(renderFields([['id', created.id], ['url', created.url], ['filter', filterText(created.filter)], ['secret', created.secret]]));
}

export async function webhooksListCommand(ctx: CommandContext, flags: { json?: boolean }): Promise<void> {
  const webhooks = await ctx.client.listWebhooks({ signal: ctx.signal });
  if (flags.json) {
    printJson(webhooks);
    return;
  }
  if (!webhooks.length) {
    note('no webhook subscriptions');
    return;
  }
  print(renderTable<WebhookSubscription>([
    { header: 'ID', value: (w) => w.id },
    { header: 'URL', value: (w) => w.url },
    { header: 'FILTER', value: (w) => filterText(w.filter) },
    { header: 'STATE', value: stateText },
    { header: 'FAILURES', value: (w) => w.consecutiveFailures, align: 'right' },
    { header: 'LAST ATTEMPT', value: (w) => (w.lastAttempt ? attemptText(w.lastAttempt) : '-') },
  ], webhooks));
}

export async function webhooksRemoveCommand(ctx: CommandContext, id: string, flags: { json?: boolean }): Promise<void> {
  await ctx.client.deleteWebhook(id, { signal: ctx.signal });
  if (flags.json) printJson({ id, deleted: true });
  else print(`deleted ${id}`);
}

export async function webhooksEnableCommand(ctx: CommandContext, id: string, flags: { json?: boolean }): Promise<void> {
  const webhook = await ctx.client.enableWebhook(id, { signal: ctx.signal });
  if (flags.json) printJson(webhook);
  else print(`${id}: enabled (failures reset)`);
}

/** How long `test` waits for the first attempt. */
const TEST_WAIT_MS = 15_000;
const POLL_MS = 250;
/** --wait's largest value, in seconds: an hour is plenty for one attempt. */
const MAX_TEST_WAIT_SECONDS = 3600;

/** --wait <seconds>: a number from 0 to an hour (fractions too); anything else is a usage error (exit 3). */
export function parseTestWait(value: string | undefined): number {
  if (value === undefined) return TEST_WAIT_MS;
  const seconds = /^\s*(\d+(\.\d+)?|\.\d+)\s*$/.test(value) ? Number(value) : NaN;
  if (!(seconds >= 0 && seconds <= MAX_TEST_WAIT_SECONDS)) {
    throw new CliError(`--wait ${JSON.stringify(value)}: expected a number of seconds from 0 to ${MAX_TEST_WAIT_SECONDS}`);
  }
  return seconds * 1000;
}

export async function webhooksTestCommand(ctx: CommandContext, id: string, flags: { json?: boolean; wait?: string }): Promise<number> {
  const waitMs = parseTestWait(flags.wait);
  const { webhookId } = await ctx.client.testWebhook(id, { signal: ctx.signal });
  note(`sluice: queued test message ${webhookId}; waiting for its first attempt…`);
  const deadline = Date.now() + waitMs;
  let attempt: WebhookAttempt | undefined;
  while (!attempt && Date.now() < deadline) {
    await sleep(POLL_MS, ctx.signal);
    const webhook = await ctx.client.getWebhook(id, { signal: ctx.signal });
    attempt = webhook.attempts.filter((a) => a.webhookId === webhookId).at(-1);
  }
  if (flags.json) printJson({ webhookId, attempt: attempt ?? null });
  if (!attempt) {
    note(`sluice: no attempt within ${Math.round(waitMs / 1000)} s (is an API process with webhooks enabled running?)`);
    return EXIT.FAILED;
  }
  if (!flags.json) print(`${webhookId}: ${attemptText(attempt)}`);
  if (attempt.outcome !== 'delivered') {
    note(attempt.outcome === 'retrying' ? 'sluice: the message will be retried with backoff; `sluice webhooks ls` shows the latest attempt' : 'sluice: not delivered');
    return EXIT.FAILED;
  }
  return EXIT.OK;
}

/** enabled, enabled but failing since when, or DISABLED and why. */
function stateText(w: WebhookSubscription): string {
  if (!w.enabled) return `DISABLED (${w.disabledReason ?? 'no reason recorded'})`;
  return w.failingSince ? `enabled, failing since ${w.failingSince}` : 'enabled';
}

function attemptText(a: WebhookAttempt): string {
  const answer = a.status === null ? (a.error ?? 'no answer') : `HTTP ${a.status}`;
  return `${a.outcome} ${a.at} (${answer}, ${a.latencyMs} ms)`;
}

function filterText(f: WebhookFilter): string {
  const parts = [
    f.types?.length ? `type=${f.types.join(',')}` : '',
    f.regions?.length ? `region=${f.regions.join(',')}` : '',
    f.states?.length ? `state=${f.states.join(',')}` : '',
    f.labels?.length ? `label=${f.labels.join(',')}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(' ') : 'all events';
}

function list(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}
