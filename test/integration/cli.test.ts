// The `sluice` client commands, run as the real binary (bin/sluice.js) against a running stack (the
// API on a real Redis, region workers with RM emulators): submit --wait exit codes for a success, a
// failure, a kill, a refusal and a shadowed job; logs -f; --json that parses; tables; the progress
// line drawn in place in a pseudo-terminal and as plain lines otherwise; Ctrl-C; a refused
// connection, a 401, no URL; the config file.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { freePort } from '../../src/dev/local-redis.ts';
import { cliEnv, describe, runSluice, SLUICE_BIN, startSluice, type CliResult } from '../support/cli.ts';
import { hasScript, startInPty } from '../support/pty.ts';
import { ADMIN_TOKEN, shellJob, Stack } from '../support/stack.ts';
import { waitFor } from '../support/wait-for.ts';

const TEAM_TOKEN = 'team-token-0123456789';
const CLEAR_LINE = '\r\x1b[2K';
const JOB_ID = /^job_[0-9A-Z]{26}$/;
let stack: Stack;
let env: Record<string, string>;

before(async () => {
  stack = await Stack.start({
    regions: ['ra', 'rb'],
    tokens: [
      { token: ADMIN_TOKEN, principal: 'admin', regions: ['*'], admin: true },
      { token: TEAM_TOKEN, principal: 'airflow', regions: ['*'], admin: false },
    ],
  });
  env = cliEnv({ SLUICE_URL: stack.api, SLUICE_TOKEN: ADMIN_TOKEN });
});
after(async () => { await stack?.close(); });

const sluice = (args: string[], opts: { env?: Record<string, string | undefined>; input?: string } = {}) => runSluice(args, env, opts);
const submitArgs = (script: string, ...more: string[]) => ['submit', '-r', 'ra', '--name', 'cli-test', '--script', script, ...more];
const lines = (text: string) => text.split('\n').filter(Boolean);

function assertExit(r: CliResult, code: number) {
  assert.equal(r.code, code, describe(r));
}

function assertPlain(text: string) {
  assert.ok(!text.includes('\x1b'), `escape codes in output that is not a terminal: ${JSON.stringify(text)}`);
  assert.ok(!text.includes('\r'), `carriage returns in output that is not a terminal: ${JSON.stringify(text)}`);
}

/** The job id a running `submit --wait` printed first (stdout, or stderr with --logs). */
async function submittedId(run: { stdout(): string; stderr(): string }, where: 'stdout' | 'stderr' = 'stdout'): Promise<string> {
  return waitFor(() => lines(run[where]())[0]?.match(/^(job_[0-9A-Z]{26})/)?.[1], { what: 'the submitted job id', timeoutMs: 30_000, detail: () => `stdout: ${run.stdout()}\nstderr: ${run.stderr()}` });
}

test('submit --wait: a job that succeeds exits 0; its id on stdout, one plain progress line per state on stderr', async () => {
  const r = await sluice(submitArgs('echo hello', '--wait', '--label', 'team=cli'));
  assertExit(r, 0);
  const [id, ...rest] = lines(r.stdout);
  assert.match(id!, JOB_ID);
  assert.deepEqual(rest, [], 'stdout holds only the id');
  assertPlain(r.stderr);
  const progress = lines(r.stderr);
  assert.deepEqual(progress.map((l) => l.split(/\s+/)[1]), ['QUEUED', 'PREFLIGHT', 'SUBMITTING', 'ACCEPTED', 'RUNNING', 'SUCCEEDED'], r.stderr);
  const job = (await stack.request('GET', `/v1/jobs/${id}`)).body;
  assert.equal(job.state, 'SUCCEEDED');
  assert.deepEqual(job.labels, { team: 'cli' });
  // The last line: id, state, elapsed mm:ss, application id, tracking URL.
  assert.equal(progress.at(-1), `${id}  SUCCEEDED   ${progress.at(-1)!.split(/\s+/)[2]}  ${job.application.id}  ${job.application.trackingUrl}`);
  assert.match(progress.at(-1)!.split(/\s+/)[2]!, /^\d\d:\d\d$/);
});

test('submit --wait: a job that fails exits 1 and prints its error', async () => {
  const r = await sluice(submitArgs('echo boom >&2; exit 3', '--wait'));
  assertExit(r, 1);
  assert.match(r.stderr, /FAILED: APPLICATION_FAILED: .*/);
  assert.match(r.stderr, /Exit code: 3/);
  assert.match(r.stderr, /boom/);
});

test('submit --wait: a job cancelled while it waits exits 2 (cancelled with `sluice cancel`)', async () => {
  const run = startSluice(submitArgs('sleep 60', '--wait'), env);
  const id = await submittedId(run);
  await stack.waitForState(id, 'RUNNING', 30_000);
  const cancel = await sluice(['cancel', id, '--reason', 'test kill']);
  assertExit(cancel, 0);
  assert.match(cancel.stdout, new RegExp(`^${id} CANCELLING`));
  const r = await run.done;
  assertExit(r, 2);
  assert.match(r.stderr, new RegExp(`${id} KILLED \\(cancelled by admin: test kill\\)`));
  // A second cancel of an ended job changes nothing; a job that had succeeded says so.
  const again = await sluice(['cancel', id]);
  assertExit(again, 0);
  assert.match(again.stdout, new RegExp(`^${id} KILLED \\(cancelled by admin at `));
  const ok = await sluice(submitArgs('true', '--wait'));
  const late = await sluice(['cancel', lines(ok.stdout)[0]!]);
  assertExit(late, 0);
  assert.match(late.stderr, /had already ended SUCCEEDED; the cancel changed nothing/);
});

test('submit --wait: a refusal exits 3 with the error printed: unknown region (naming the known ones), a bad field (naming its flag)', async () => {
  const unknown = await sluice(['submit', '-r', 'nowhere', '--name', 'x', '--script', 'true', '--wait']);
  assertExit(unknown, 3);
  assert.match(unknown.stderr, /UNKNOWN_REGION: no region "nowhere"; known: ra, rb/);
  assert.equal(unknown.stdout, '');
  const bad = await sluice(submitArgs('true', '--wait', '--memory-mb', '10', '--label', 'Team=x'));
  assertExit(bad, 3);
  assert.match(bad.stderr, /INVALID_JOB_SPEC/);
  assert.match(bad.stderr, /^ {2}resources\.memoryMb: .*\(--memory-mb\)$/m);
  assert.match(bad.stderr, /^ {2}labels\.Team: .*\(--label\)$/m);
  // Wrong locally: said before anything is sent, also exit 3.
  const local = await sluice(['submit', '-r', 'ra', '--name', 'x']);
  assertExit(local, 3);
  assert.match(local.stderr, /nothing to run: give --script/);
  const usage = await sluice(['submit', '--no-such-flag']);
  assertExit(usage, 3);
  assert.match(usage.stderr, /unknown option '--no-such-flag'/);
});

test('rollout off refuses (REGION_DISABLED, exit 3); shadow accepts without running (SHADOWED, exit 4, the report printed); canary refuses others (NOT_IN_ROLLOUT, exit 3); history records each change', async () => {
  try {
    const off = await sluice(['rollout', 'set', 'rb', 'off', '--reason', 'cli test: off']);
    assertExit(off, 0);
    assert.match(off.stdout, /^rb: on → off \(version \d+\)$/m);
    const refused = await sluice(['submit', '-r', 'rb', '--name', 'x', '--script', 'true', '--wait']);
    assertExit(refused, 3);
    assert.match(refused.stderr, /REGION_DISABLED/);

    assertExit(await sluice(['rollout', 'set', 'rb', 'shadow', '--reason', 'cli test: shadow']), 0);
    const shadowed = await sluice(['submit', '-r', 'rb', '--name', 'x', '--script', 'true', '--wait']);
    assertExit(shadowed, 4);
    assert.match(shadowed.stderr, /SHADOWED: region rb is in shadow mode.*Run it the old way/);
    assert.match(shadowed.stderr, /shadow report \(at .*\): it would (NOT )?have run/);
    // Without --wait too: the caller learns at once that it must still run the job its old way.
    const noWait = await sluice(['submit', '-r', 'rb', '--name', 'x', '--script', 'true', '--json']);
    assertExit(noWait, 4);
    assert.equal(JSON.parse(noWait.stdout).state, 'SHADOWED');

    // Canary: an allow-listed team goes to Sluice, another is refused NOT_IN_ROLLOUT (exit 3); the decision says so first.
    const canary = await sluice(['rollout', 'set', 'rb', 'canary', '--team', 'cli-canary', '--reason', 'cli test: canary']);
    assertExit(canary, 0);
    assert.match(canary.stdout, /^rb: shadow → canary \(teams cli-canary\)/m);
    const legacy = await sluice(['rollout', 'decision', 'rb', '--team', 'other', '--json']);
    assertExit(legacy, 0);
    assert.equal(JSON.parse(legacy.stdout).route, 'legacy');
    const decision = await sluice(['rollout', 'decision', 'rb', '--team', 'cli-canary']);
    assert.match(decision.stdout, /^route +sluice$/m);
    const notIn = await sluice(['submit', '-r', 'rb', '--name', 'x', '--script', 'true', '--label', 'team=other', '--wait']);
    assertExit(notIn, 3);
    assert.match(notIn.stderr, /NOT_IN_ROLLOUT: region rb: canary/);
    const allowed = await sluice(['submit', '-r', 'rb', '--name', 'x', '--script', 'true', '--label', 'team=cli-canary']);
    assertExit(allowed, 0);
    assert.match(allowed.stdout.trim(), JOB_ID);

    const history = await sluice(['rollout', 'history', 'rb']);
    assertExit(history, 0);
    assert.match(history.stdout, /^VERSION +AT +BY +FROM +TO +REASON$/m);
    assert.match(history.stdout, /admin +on +off +cli test: off$/m);
    assert.match(history.stdout, /admin +off +shadow +cli test: shadow$/m);
    const json = JSON.parse((await sluice(['rollout', 'history', 'rb', '--json'])).stdout);
    // Newest first.
    assert.deepEqual(json.map((h: { to: { mode: string } }) => h.to.mode).slice(0, 3), ['canary', 'shadow', 'off']);

    const forbidden = await sluice(['rollout', 'set', 'rb', 'on', '--reason', 'not mine'], { env: { SLUICE_TOKEN: TEAM_TOKEN } });
    assertExit(forbidden, 3);
    assert.match(forbidden.stderr, /ADMIN_REQUIRED/);
    const noReason = await sluice(['rollout', 'set', 'rb', 'on']);
    assertExit(noReason, 3);
    assert.match(noReason.stderr, /--reason is required/);
  } finally {
    await stack.request('PUT', '/v1/regions/rb/rollout', { body: { mode: 'on', reason: 'cli test done' } });
  }
  const show = await sluice(['rollout', 'show', 'rb']);
  assertExit(show, 0);
  assert.match(show.stdout, /^mode +on$/m);
  assert.equal(JSON.parse((await sluice(['rollout', 'show', 'rb', '--json'])).stdout).mode, 'on');
  const missing = await sluice(['rollout', 'show', 'nowhere']);
  assertExit(missing, 3);
  assert.match(missing.stderr, /no region "nowhere"; known: ra, rb/);
});

test('rollout set whose answer was lost: the retried PUT finds the setting in force; it says so, recorded once, without claiming nothing changed', async () => {
  const proxy = await answerLosingProxy(stack.api);
  try {
    const history = async () => (await stack.request('GET', '/v1/regions/rb/rollout/history')).body.history as { reason: string }[];
    const before = (await history()).length;
    const r = await sluice(['rollout', 'set', 'rb', 'off', '--reason', 'cli test: answer lost'], { env: { SLUICE_URL: proxy.url } });
    assertExit(r, 0);
    assert.equal(proxy.puts(), 2, 'the PUT was tried again after its answer was lost');
    assert.match(r.stderr, /^sluice: region rb: that setting is in force; nothing new was recorded \(`sluice rollout history rb` shows when it was set\)$/m);
    assert.doesNotMatch(r.stderr, /nothing changed/, 'the first try did change it');
    assert.match(r.stdout, /^rb: off \(version \d+\)$/m);
    const recorded = await history();
    assert.equal(recorded.length, before + 1, 'the change is recorded once');
    assert.equal(recorded[0]!.reason, 'cli test: answer lost');
  } finally {
    await proxy.close();
    await stack.request('PUT', '/v1/regions/rb/rollout', { body: { mode: 'on', reason: 'cli test done' } });
  }
});

test('logs -f follows a running job to its end; --stderr reads the other file; submit --logs streams it', async () => {
  // The job prints its first line, then waits for its flag file: `logs -f` is surely following a
  // running job (however slow the command is to start) until the test lets the job go on.
  const flag = join(mkdtempSync(join(tmpdir(), 'sluice-cli-flag-')), 'release');
  const script = 'echo "tick 1"; echo "warn 1" >&2; while [ ! -e "$FLAG" ]; do sleep 0.05; done; for i in 2 3; do echo "tick $i"; echo "warn $i" >&2; done';
  const res = await stack.submit(shellJob('ra', script, { env: { FLAG: flag } }));
  const id = res.body.id as string;
  await stack.waitForState(id, 'RUNNING', 30_000);
  const follow = startSluice(['logs', id, '-f'], env);
  await waitFor(() => follow.stdout() === 'tick 1\n' || undefined, { what: 'the first line from logs -f', timeoutMs: 30_000, detail: () => `stdout: ${follow.stdout()}\nstderr: ${follow.stderr()}` });
  assert.equal(follow.child.exitCode, null, 'logs -f still follows the running job');
  assert.equal((await stack.request('GET', `/v1/jobs/${id}`)).body.state, 'RUNNING');
  writeFileSync(flag, '');
  const followed = await follow.done;
  assertExit(followed, 0);
  assert.equal(followed.stdout, 'tick 1\ntick 2\ntick 3\n');
  assert.equal((await stack.request('GET', `/v1/jobs/${id}`)).body.state, 'SUCCEEDED', 'logs -f ends once the job has');
  const err = await sluice(['logs', id, '--stderr']);
  assertExit(err, 0);
  assert.equal(err.stdout, 'warn 1\nwarn 2\nwarn 3\n');

  // --logs: the job's output is stdout (the id goes to stderr then), followed while it runs.
  const run = await sluice(submitArgs('echo "line one"; sleep 0.5; echo "line two"', '--logs'));
  assertExit(run, 0);
  assert.equal(run.stdout, 'line one\nline two\n');
  assert.match(lines(run.stderr)[0]!, JOB_ID);
  assertPlain(run.stdout + run.stderr);
});

test('--json output parses: submit, submit --wait, status, ls, cancel, regions, adoption', async () => {
  const submitted = await sluice(submitArgs('echo json', '--json', '--label', 'dag=cli_json'));
  assertExit(submitted, 0);
  const job = JSON.parse(submitted.stdout);
  assert.match(job.id, JOB_ID);
  assert.equal(job.name, 'cli-test');

  const waited = await sluice(submitArgs('echo json', '--wait', '--json'));
  assertExit(waited, 0);
  const final = JSON.parse(waited.stdout);
  assert.equal(final.state, 'SUCCEEDED');
  assert.match(waited.stderr, /SUCCEEDED/, 'progress goes to stderr');

  await stack.waitForState(job.id, 'SUCCEEDED');
  assert.equal(JSON.parse((await sluice(['status', job.id, '--json'])).stdout).state, 'SUCCEEDED');
  const listed = JSON.parse((await sluice(['ls', '--label', 'dag:cli_json', '--json'])).stdout);
  assert.deepEqual(listed.jobs.map((j: { id: string }) => j.id), [job.id]);
  assert.equal(JSON.parse((await sluice(['cancel', job.id, '--json'])).stdout).state, 'SUCCEEDED');
  const regions = JSON.parse((await sluice(['regions', '--json'])).stdout);
  assert.deepEqual(regions.map((r: { name: string }) => r.name), ['ra', 'rb']);
  const adoption = JSON.parse((await sluice(['adoption', '--by', 'dag', '--json'])).stdout);
  assert.equal(adoption.by, 'dag');
  assert.ok(adoption.groups.some((g: { key: string; sluice: { SUCCEEDED: number } }) => g.key === 'cli_json' && g.sluice.SUCCEEDED === 1), JSON.stringify(adoption));
});

test('tables: ls, regions, adoption, status', async () => {
  const r = await sluice(submitArgs('true', '--wait', '--label', 'team=tables'));
  assertExit(r, 0);
  const id = lines(r.stdout)[0]!;
  const ls = await sluice(['ls', '--label', 'team=tables', '--state', 'succeeded']);
  assertExit(ls, 0);
  const [header, row, ...more] = lines(ls.stdout);
  assert.match(header!, /^ID +STATE +REGION +NAME +AGE +APPLICATION$/);
  assert.match(row!, new RegExp(`^${id} +SUCCEEDED +ra +cli-test +\\d+s +application_\\d+_\\d+$`));
  assert.deepEqual(more, []);
  assertPlain(ls.stdout);

  const regions = await sluice(['regions']);
  assertExit(regions, 0);
  assert.match(regions.stdout, /^REGION +ROLLOUT +HEALTH +INTAKE +WAITING +ACTIVE +DELAYED +FAILED +TRACKED +CHECKS$/m);
  assert.match(regions.stdout, /^ra +on +\w+ +\w+ +\d+ +\d+ +\d+ +\d+ +\d+ +/m);
  assert.match(regions.stdout, /^rb +on /m);

  const adoption = await sluice(['adoption', '--by', 'team']);
  assertExit(adoption, 0);
  assert.match(adoption.stdout, /^TEAM +ON SLUICE +OK\/FAILED\/KILLED +SUCCESS +SHADOWED +WOULD RUN\/NOT +REFUSED +NOT-IN-ROLLOUT\/DISABLED$/m);
  assert.match(adoption.stdout, /^tables +1 +1\/0\/0 +100\.0% +0 +0\/0 +0 +0\/0$/m);
  assert.match(adoption.stdout, /^TOTAL +\d+/m);

  const status = await sluice(['status', id]);
  assertExit(status, 0);
  assert.match(status.stdout, new RegExp(`^id +${id}$`, 'm'));
  assert.match(status.stdout, /^state +SUCCEEDED \(\d\d:\d\d\)$/m);
  assert.match(status.stdout, /^application +application_\d+_\d+ FINISHED\/SUCCEEDED$/m);
  const missing = await sluice(['status', 'job_00000000000000000000000000']);
  assertExit(missing, 3);
  assert.match(missing.stderr, /JOB_NOT_FOUND/);
});

test('a spec file (YAML) with flags over it; the same --idempotency-key twice gives the same job', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-cli-spec-'));
  const file = join(dir, 'job.yaml');
  writeFileSync(file, 'region: rb\nname: from-yaml\nkind: shell\nscript: |\n  echo "$1 $TARGET"\nargs: [one]\nenv:\n  TARGET: file\nlabels:\n  team: yaml\n');
  const first = await sluice(['submit', '-f', file, '-r', 'ra', '--env', 'TARGET=flag', '--idempotency-key', 'cli-idem-1', '--logs']);
  assertExit(first, 0);
  assert.equal(first.stdout, 'one flag\n');
  const id = lines(first.stderr)[0]!;
  const job = (await stack.request('GET', `/v1/jobs/${id}`)).body;
  assert.deepEqual([job.region, job.name, job.labels], ['ra', 'from-yaml', { team: 'yaml' }]);
  const again = await sluice(['submit', '-f', file, '-r', 'ra', '--env', 'TARGET=flag', '--idempotency-key', 'cli-idem-1']);
  assertExit(again, 0);
  assert.equal(again.stdout, `${id}\n`);
  assert.match(again.stderr, /was used before with this spec/);
  const conflict = await sluice(['submit', '-f', file, '-r', 'ra', '--idempotency-key', 'cli-idem-1']);
  assertExit(conflict, 3);
  assert.match(conflict.stderr, /IDEMPOTENCY_CONFLICT/);
});

test('in a pseudo-terminal the progress line is redrawn in place; Ctrl-C stops waiting, erases it, exits 130 and the job keeps running', async () => {
  assert.ok(hasScript(), 'util-linux `script` is needed for the pseudo-terminal tests');
  const done = await startInPty([process.execPath, SLUICE_BIN, ...submitArgs('sleep 1.5', '--wait')], env).done;
  assert.equal(done.code, 0, done.output);
  const id = done.output.match(/job_[0-9A-Z]{26}/)![0];
  const job = (await stack.request('GET', `/v1/jobs/${id}`)).body;
  const redraws = done.output.split(CLEAR_LINE).slice(1);
  assert.ok(redraws.length >= 3, `the line is redrawn with \\r + clear-line: ${JSON.stringify(done.output)}`);
  assert.ok(redraws.some((d) => d.startsWith(`${id}  RUNNING `) && d.includes(job.application.id) && d.includes(job.application.trackingUrl)), JSON.stringify(redraws));
  // The line is redrawn, not repeated: nothing but the id's own line ends in a newline before the last state.
  assert.equal(done.output.split('\r\n').filter(Boolean).length, 2, JSON.stringify(done.output));
  assert.match(redraws.at(-1)!, new RegExp(`^${id}  SUCCEEDED +\\d\\d:\\d\\d  ${job.application.id}  \\S+\\r\\n$`));

  const run = startInPty([process.execPath, SLUICE_BIN, ...submitArgs('sleep 60', '--wait')], env);
  await waitFor(() => run.output().includes('RUNNING '), { what: 'the RUNNING line on the terminal', timeoutMs: 30_000, detail: run.output });
  const runningId = run.output().match(/job_[0-9A-Z]{26}/)![0];
  run.write('\x03');
  const interrupted = await run.done;
  assert.equal(interrupted.code, 130, interrupted.output);
  const tail = interrupted.output.slice(interrupted.output.lastIndexOf('RUNNING'));
  assert.match(tail, new RegExp(`\\r\\x1b\\[2Ksluice: interrupted; ${runningId} was submitted and keeps running`));
  assert.equal((await stack.request('GET', `/v1/jobs/${runningId}`)).body.state, 'RUNNING', 'Ctrl-C stops the waiting, not the job');
  await stack.request('POST', `/v1/jobs/${runningId}/cancel`);
});

test('sluice wait and logs -f on a job, interrupted by SIGINT: exit 130 at once, the job untouched', async () => {
  const res = await stack.submit(shellJob('ra', 'echo started; sleep 60'));
  const id = res.body.id as string;
  await stack.waitForState(id, 'RUNNING', 30_000);
  for (const args of [['wait', id], ['logs', id, '-f']]) {
    const run = startSluice(args, env);
    // Waiting for real: the progress line, or the output so far.
    await waitFor(() => (args[0] === 'wait' ? run.stderr().includes('RUNNING') : run.stdout().includes('started')), { what: `sluice ${args.join(' ')} under way`, timeoutMs: 30_000, detail: () => run.stdout() + run.stderr() });
    const sent = Date.now();
    run.child.kill('SIGINT');
    const r = await run.done;
    assertExit(r, 130);
    assert.ok(Date.now() - sent < 5000, `took ${Date.now() - sent} ms to stop`);
    assert.match(r.stderr, new RegExp(`sluice: interrupted; ${id} keeps running`));
  }
  assert.equal((await stack.request('GET', `/v1/jobs/${id}`)).body.state, 'RUNNING');
  const cancelled = await sluice(['cancel', id, '--wait']);
  assertExit(cancelled, 2);
});

test('cannot talk to Sluice (exit 5): connection refused names the URL and gives up; 401 says where the token came from; no URL says how to set one', async () => {
  const port = await freePort(); // free, and nothing listens on it
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  const refused = await sluice(['ls'], { env: { SLUICE_URL: url } });
  assertExit(refused, 5);
  assert.match(refused.stderr, new RegExp(`cannot reach Sluice at ${url.replace(/\./g, '\\.')}: connection refused \\(URL from SLUICE_URL\\)`));
  // The client's retries give up within about 3 s (retry-policy.ts), plus the command's start.
  assert.ok(Date.now() - started < 8_000, `gave up after ${Date.now() - started} ms`);

  const wrong = 'not-a-known-token-42';
  const unauthorized = await sluice(['submit', '-r', 'ra', '--name', 'x', '--script', 'true', '--wait'], { env: { SLUICE_TOKEN: wrong } });
  assertExit(unauthorized, 5);
  assert.match(unauthorized.stderr, /401 UNAUTHENTICATED\): the token from SLUICE_TOKEN is unknown to it/);
  assert.ok(!unauthorized.stderr.includes(wrong), 'the token is never printed');
  const none = await sluice(['regions'], { env: { SLUICE_TOKEN: undefined } });
  assertExit(none, 5);
  assert.match(none.stderr, /no token was sent: set SLUICE_TOKEN, or "token" in .*sluice\/config\.json/);

  const noUrl = await sluice(['regions'], { env: { SLUICE_URL: undefined } });
  assertExit(noUrl, 5);
  assert.match(noUrl.stderr, /no Sluice URL: set SLUICE_URL/);
});

test('the config file gives the URL and the token; SLUICE_URL and --url win over it', async () => {
  const xdg = mkdtempSync(join(tmpdir(), 'sluice-cli-xdg-'));
  mkdirSync(join(xdg, 'sluice'));
  writeFileSync(join(xdg, 'sluice', 'config.json'), JSON.stringify({ url: stack.api, token: ADMIN_TOKEN }));
  const fromFile = await sluice(['regions', '--json'], { env: { XDG_CONFIG_HOME: xdg, SLUICE_URL: undefined, SLUICE_TOKEN: undefined } });
  assertExit(fromFile, 0);
  assert.equal(JSON.parse(fromFile.stdout).length, 2);
  const dead = `http://127.0.0.1:${await freePort()}`;
  const flagWins = await sluice(['regions', '--url', dead], { env: { XDG_CONFIG_HOME: xdg, SLUICE_TOKEN: undefined } });
  assertExit(flagWins, 5);
  assert.match(flagWins.stderr, /URL from --url/);
});

test('sluice --help lists the client commands and the exit codes', async () => {
  const help = await sluice(['--help']);
  assertExit(help, 0);
  for (const cmd of ['submit', 'status', 'wait', 'logs', 'cancel', 'ls', 'regions', 'rollout', 'adoption', 'serve', 'worker']) assert.match(help.stdout, new RegExp(`^  ${cmd}\\b`, 'm'));
  assert.match(help.stdout, /Exit codes \(client commands\):/);
  assert.match(help.stdout, /^ {2}4 +SHADOWED/m);
  const submitHelp = await sluice(['submit', '--help']);
  assertExit(submitHelp, 0);
  assert.match(submitHelp.stdout, /--idempotency-key/);
  assert.match(submitHelp.stdout, /^ {2}130 +interrupted/m);
});

/**
 * An HTTP proxy to the API that loses the answer to the first PUT: the API gets the request and
 * answers, then the connection is dropped before the answer is passed on. `puts` counts the PUTs.
 */
async function answerLosingProxy(target: string) {
  let puts = 0;
  const hopByHop = ['host', 'connection', 'keep-alive', 'transfer-encoding'];
  const server = createHttpServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !hopByHop.includes(k))) as Record<string, string>;
    const upstream = await request(`${target}${req.url}`, { method: req.method as 'GET', headers, body: chunks.length ? Buffer.concat(chunks) : null });
    const body = Buffer.from(await upstream.body.arrayBuffer());
    if (req.method === 'PUT' && ++puts === 1) {
      req.socket.destroy();
      return;
    }
    res.writeHead(upstream.statusCode, { 'content-type': String(upstream.headers['content-type'] ?? 'application/json') });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    puts: () => puts,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
