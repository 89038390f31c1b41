// `sluice/client` as a consumer gets it: `npm pack` (whose prepack builds dist/), `npm install` of
// the tarball into a fresh project outside the repo, then plain `node` (no tsx) imports the client
// and submits a keyed job to a real stack and awaits it; `tsc` type-checks against the shipped
// .d.ts; the CLI runs compiled from the install, which has no sources and no tsx. npm's own cache is reused (--prefer-offline), and
// the pack and install run while the stack starts.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ADMIN_TOKEN, REPO, Stack } from '../support/stack.ts';

let stack: Stack;
let scratch: string;
let app: string;

interface Run { code: number | null; stdout: string; stderr: string }

/** Runs a command to its end (killed after `timeoutMs`); never throws on a non-zero exit. */
function run(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd: opts.cwd, env: opts.env ?? cleanEnv(), timeout: opts.timeoutMs ?? 120_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') reject(new Error(`${cmd} ${args.join(' ')}: ${err.message}\n${stderr}`));
      else resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
  });
}

/** This process's environment less what an outer `npm test` sets about the repo's own package. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^npm_(package_|lifecycle_|config_local_prefix$)/i.test(key) || key.startsWith('SLUICE_')) delete env[key];
  }
  return { ...env, ...extra };
}

function ok(what: string, r: Run): Run {
  assert.equal(r.code, 0, `${what} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** `npm pack` of the repo into scratch, then a fresh project that installs the tarball. */
async function packAndInstall(): Promise<string> {
  const packDir = join(scratch, 'pack');
  const dir = join(scratch, 'app');
  mkdirSync(packDir);
  mkdirSync(dir);
  ok('npm pack', await run('npm', ['pack', '--pack-destination', packDir, '--loglevel=error'], { cwd: REPO }));
  const [tarball] = readdirSync(packDir).filter((f) => f.endsWith('.tgz'));
  assert.ok(tarball, `npm pack left no tarball in ${packDir}`);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'sluice-consumer', private: true, type: 'module' }));
  // The repo's own @types/node version: already in npm's cache.
  const typesNode = JSON.parse(readFileSync(join(REPO, 'node_modules/@types/node/package.json'), 'utf8')).version as string;
  ok('npm install', await run('npm', [
    'install', join(packDir, tarball), `@types/node@${typesNode}`, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error',
  ], { cwd: dir, timeoutMs: 300_000 }));
  return dir;
}

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'sluice-client-package-'));
  [stack, app] = await Promise.all([Stack.start({ regions: ['ra'] }), packAndInstall()]);
});

after(async () => {
  await stack?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test('plain node imports sluice/client from the installed package, submits a keyed job and awaits it', async () => {
  writeFileSync(join(app, 'submit.js'), `
import { SluiceClient } from 'sluice/client';

const sluice = new SluiceClient({ url: process.env.SLUICE_URL, token: process.env.SLUICE_TOKEN });
const spec = { region: 'ra', name: 'from-the-package', kind: 'shell', script: 'echo hello' };
const first = await sluice.submit(spec, { idempotencyKey: 'client-package/run-1' });
const again = await sluice.submit(spec, { idempotencyKey: 'client-package/run-1' });
const done = await sluice.waitForJob(first.job.id);
console.log(JSON.stringify({
  resolved: import.meta.resolve('sluice/client'),
  id: first.job.id, created: first.created,
  againId: again.job.id, againCreated: again.created,
  state: done.state,
}));
`);
  const r = ok('node submit.js', await run(process.execPath, ['submit.js'], {
    cwd: app, env: cleanEnv({ SLUICE_URL: stack.api, SLUICE_TOKEN: ADMIN_TOKEN }), timeoutMs: 60_000,
  }));
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
  assert.match(out.resolved, /\/node_modules\/sluice\/dist\/src\/client\/index\.js$/);
  assert.equal(out.created, true);
  assert.equal(out.againId, out.id, 'the same Idempotency-Key gives the same job');
  assert.equal(out.againCreated, false);
  assert.equal(out.state, 'SUCCEEDED');
  const { body } = await stack.request('GET', `/v1/jobs/${out.id}`);
  assert.equal(body.name, 'from-the-package');
  assert.equal(body.state, 'SUCCEEDED');
});

test("tsc in the consumer project type-checks against the package's .d.ts", async () => {
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, noEmit: true, types: ['node'] },
    files: ['good.ts', 'bad.ts'],
  }));
  writeFileSync(join(app, 'good.ts'), `
import { SluiceApiError, SluiceClient, isTerminalState, type Job, type JobSpecInput } from 'sluice/client';

const sluice = new SluiceClient({ url: 'http://127.0.0.1:8080', token: 't', retries: 2 });
const spec: JobSpecInput = { region: 'ra', name: 'n', kind: 'shell', script: 'true' };
export async function submitAndWait(): Promise<Job['state']> {
  const { job, created } = await sluice.submit(spec, { idempotencyKey: 'dag/task/run' });
  const done: Job = await sluice.waitForJob(job.id);
  return created && isTerminalState(done.state) ? done.state : 'QUEUED';
}
export const isApiError = (e: unknown): e is SluiceApiError => e instanceof SluiceApiError;
`);
  // Each line here must fail, and only these: if the types came out as any, none would.
  const bad = [
    `export const a: Job = { ...job, colour: 'red' };`,
    `export const b: Job['state'] = 'DONE';`,
    `export const c = new SluiceClient({ url: 'http://127.0.0.1:8080', tokn: 't' });`,
    `export const d: JobSpecInput = { region: 'ra', name: 'n', kind: 'shell' };`,
  ];
  writeFileSync(join(app, 'bad.ts'), [
    `import { SluiceClient, type Job, type JobSpecInput } from 'sluice/client';`,
    `declare const job: Job;`,
    ...bad,
  ].join('\n'));
  const r = await run(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', '.'], { cwd: app, timeoutMs: 120_000 });
  const errors = r.stdout.split('\n').filter((l) => /error TS\d+/.test(l));
  assert.deepEqual(errors.filter((l) => !l.startsWith('bad.ts(')), [], `errors outside bad.ts:\n${r.stdout}`);
  const lines = new Set(errors.map((l) => Number(/^bad\.ts\((\d+),/.exec(l)![1])));
  assert.deepEqual([...lines].sort((x, y) => x - y), bad.map((_, i) => i + 3), r.stdout);
  assert.match(r.stdout, /'colour' does not exist in type/);
  assert.match(r.stdout, /'tokn' does not exist in type 'SluiceClientOptions'/);
});

test('the sluice command runs compiled from the installed package, which has neither sources nor tsx', async () => {
  // What a production install gets: dist/ only, and tsx (a devDependency) is not installed.
  const pkg = join(app, 'node_modules/sluice');
  assert.ok(existsSync(join(pkg, 'dist/src/cli/main.js')), 'the tarball carries dist/');
  assert.ok(!existsSync(join(pkg, 'src')), 'the tarball carries no TypeScript sources');
  assert.ok(!existsSync(join(app, 'node_modules/tsx')), 'tsx is installed with the package');
  const r = ok('sluice --help', await run(process.execPath, [join(app, 'node_modules/.bin/sluice'), '--help'], { cwd: app, timeoutMs: 60_000 }));
  assert.match(r.stdout, /Usage: sluice/);
  assert.match(r.stdout, /submit \[options\]/);
  const v = ok('sluice --version', await run(process.execPath, [join(app, 'node_modules/.bin/sluice'), '--version'], { cwd: app }));
  assert.equal(v.stdout.trim(), JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version);
});
