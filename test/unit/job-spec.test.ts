import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRegionLimits, DENIED_ENV_NAMES, parseJobSpec } from '../../src/jobs/index.ts';

const base = { region: 'r', name: 'n', kind: 'shell', script: 'true' };
const paths = (body: unknown) => {
  const r = parseJobSpec(body);
  return r.ok ? [] : r.issues.map((i) => i.path.join('.'));
};

test('a minimal shell spec gets its defaults', () => {
  const r = parseJobSpec(base);
  assert.ok(r.ok);
  assert.deepEqual(r.spec.args, []);
  assert.deepEqual(r.spec.env, {});
  assert.deepEqual(r.spec.labels, {});
});

const cases: [string, Record<string, unknown>, string][] = [
  ['env name with =', { env: { 'A=B': 'x' } }, 'env.A=B'],
  ['env name starting with a digit', { env: { '1A': 'x' } }, 'env.1A'],
  ['NUL in an arg', { args: ['a\0b'] }, 'args.0'],
  ['script over 1 MiB', { script: 'x'.repeat(1024 * 1024 + 1) }, 'script'],
  ['empty name', { name: '' }, 'name'],
  ['zero vcores', { resources: { vcores: 0 } }, 'resources.vcores'],
  ['fractional memory', { resources: { memoryMb: 100.5 } }, 'resources.memoryMb'],
  ['bad label key', { labels: { 'Team Name': 'x' } }, 'labels.Team Name'],
  ['non-string arg', { args: [1] }, 'args.0'],
];
for (const [what, patch, path] of cases) {
  test(`${what} is reported at ${path}`, () => assert.deepEqual(paths({ ...base, ...patch }), [path]));
}

test('an unknown field is named in the message', () => {
  const r = parseJobSpec({ ...base, colour: 'blue' });
  assert.ok(!r.ok);
  assert.match(r.issues[0]!.message, /unknown field\(s\): colour/);
});

test('region limits: one issue per field over the limit', () => {
  const r = parseJobSpec({ ...base, resources: { memoryMb: 9000, vcores: 2 }, timeoutSeconds: 10 });
  assert.ok(r.ok);
  const issues = checkRegionLimits(r.spec, { memoryMb: 8192, vcores: 1, timeoutSeconds: 60 });
  assert.deepEqual(issues.map((i) => i.path.join('.')), ['resources.memoryMb', 'resources.vcores']);
  assert.match(issues[0]!.message, /9000 is above the region's limit of 8192/);
});

test('an env name that is not a shell identifier says why, not just "invalid key"', () => {
  const r = parseJobSpec({ ...base, env: { 'A=B': 'x' } });
  assert.ok(!r.ok);
  assert.deepEqual(r.issues[0]!.path, ['env', 'A=B']);
  assert.match(r.issues[0]!.message, /must be a shell variable name/);
});

// Each name bash acts on when it starts the job's script: a 400-style issue at env.<NAME> that
// names the variable and says what bash would do with it.
const denied = [...Object.keys(DENIED_ENV_NAMES), 'BASH_FUNC_ls'];
for (const name of ['BASH_ENV', 'ENV', 'SHELLOPTS', 'BASHOPTS', 'PS4', 'BASH_FUNC_ls']) {
  test(`${name} is in the deny-list`, () => assert.ok(denied.includes(name)));
}
for (const name of denied) {
  test(`env ${name} is refused at env.${name}, named in the message`, () => {
    const r = parseJobSpec({ ...base, env: { OK_VAR: 'fine', [name]: 'x' } });
    assert.ok(!r.ok, `${name} was accepted`);
    assert.equal(r.issues.length, 1);
    assert.deepEqual(r.issues[0]!.path, ['env', name]);
    assert.match(r.issues[0]!.message, new RegExp(`^${name} may not be set: \\S`));
  });
}

test('env names only an interactive bash reads, and ordinary ones, are allowed', () => {
  const env = { PROMPT_COMMAND: 'x', PS1: 'x', HISTFILE: 'x', PATH: '/bin', LANG: 'C.UTF-8', BASH_ENVIRONMENT: 'x', MY_ENV: 'x' };
  const r = parseJobSpec({ ...base, env });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.issues));
  assert.deepEqual(r.spec.env, env);
});
