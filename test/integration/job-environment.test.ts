// A job's environment is its own env plus what YARN sets, never the environment of the process that
// runs the ResourceManager emulator or the worker (in `sluice dev` that holds the API token); and env
// names that change how bash starts the job's script are refused at submit, naming the field.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { shellJob, Stack } from '../support/stack.ts';

const MARKER = `marker-${randomBytes(8).toString('hex')}`;
// What the emulated NodeManager sets (ContainerLaunch) and the DS AM adds; then what bash itself
// puts in a script's environment.
const YARN_NAMES = ['PATH', 'HOME', 'USER', 'LOGNAME', 'PWD', 'CONTAINER_ID', 'NM_HOST', 'NM_HTTP_PORT', 'NM_PORT', 'LOCAL_DIRS', 'LOG_DIRS', 'YARN_SHELL_ID'];
const BASH_NAMES = ['SHLVL', '_', 'OLDPWD'];

let stack: Stack;
let savedMarker: string | undefined;
before(async () => {
  // In this process (the emulator runs here) and in the workers (Stack passes process.env on).
  savedMarker = process.env.SLUICE_SECRET_MARKER;
  process.env.SLUICE_SECRET_MARKER = MARKER;
  stack = await Stack.start({ regions: ['ra'] });
});
after(async () => {
  await stack?.close();
  if (savedMarker === undefined) delete process.env.SLUICE_SECRET_MARKER;
  else process.env.SLUICE_SECRET_MARKER = savedMarker;
});

/** The job's environment as `env -0` printed it, read back through the logs API. */
async function environmentOf(jobId: string): Promise<Map<string, string>> {
  const out = await stack.request<string>('GET', `/v1/jobs/${jobId}/logs?file=stdout`);
  assert.equal(out.status, 200, JSON.stringify(out.body));
  return new Map(out.body.split('\0').filter(Boolean).map((kv) => {
    const eq = kv.indexOf('=');
    return [kv.slice(0, eq), kv.slice(eq + 1)] as [string, string];
  }));
}

test("a job sees its own env and YARN's variables, nothing of the emulator's or worker's environment", async () => {
  const jobEnv = { TARGET: 'prod', WITH_SHELL_TEXT: '$(echo not run) `id` "q" \'s\' ;|&' };
  const res = await stack.submit(shellJob('ra', '#!/usr/bin/env bash\nenv -0\n', { env: jobEnv }));
  assert.equal(res.status, 202, JSON.stringify(res.body));
  await stack.waitForState(res.body.id, 'SUCCEEDED');
  const env = await environmentOf(res.body.id);

  for (const [k, v] of Object.entries(jobEnv)) assert.equal(env.get(k), v, `the job's ${k}, byte for byte`);
  assert.match(env.get('CONTAINER_ID') ?? '', /^container_\d+_\d{4}_01_\d{6}$/);
  assert.equal(env.get('USER'), 'sluice');
  assert.ok(env.get('LOG_DIRS'), 'LOG_DIRS is set');

  const leaked = [...env].filter(([, v]) => v.includes(MARKER)).map(([k]) => k);
  assert.deepEqual(leaked, [], 'SLUICE_SECRET_MARKER of the emulator/worker environment reached the job');
  const allowed = new Set([...YARN_NAMES, ...BASH_NAMES, ...Object.keys(jobEnv)]);
  const foreign = [...env.keys()].filter((k) => !allowed.has(k));
  assert.deepEqual(foreign, [], `variables that are neither the job's nor YARN's: ${foreign.join(', ')}`);
});

test('env names that change how bash starts the script are a 400 naming env.<NAME>', async () => {
  for (const name of ['BASH_ENV', 'SHELLOPTS', 'PS4']) {
    const res = await stack.submit(shellJob('ra', 'true', { env: { TARGET: 'prod', [name]: 'x' } }));
    assert.equal(res.status, 400, `${name}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.error.code, 'INVALID_JOB_SPEC');
    assert.deepEqual(res.body.error.issues.map((i: { path: string[] }) => i.path), [['env', name]]);
    assert.match(res.body.error.message, new RegExp(`^env\\.${name}: ${name} may not be set: `));
  }
});

test('a name that is not a shell identifier is a 400 saying so, at env.<name>', async () => {
  const res = await stack.submit(shellJob('ra', 'true', { env: { 'A=B': 'x' } }));
  assert.equal(res.status, 400);
  assert.deepEqual(res.body.error.issues[0].path, ['env', 'A=B']);
  assert.match(res.body.error.issues[0].message, /must be a shell variable name/);
});
