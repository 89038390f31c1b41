// Production runs compiled JavaScript: `node bin/sluice.js worker` and `serve`, from the repo with a
// current dist/ (test/run.sh builds first), run dist/ with no tsx. Each process gets a module hook
// that refuses tsx and any .ts module (so a fallback to the sources crashes it, failing the test)
// and lists every module it resolves; the worker then serves a real job end to end, the API
// answers, both stop cleanly on SIGTERM, and the lists show what each loaded: a worker never loads
// the API's HTTP stack, neither loads the AWS SDK without an sts check.

import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { REPO, shellJob, Stack } from '../support/stack.ts';

let stack: Stack;
let scratch: string;
let guard: string;

/** Refuses tsx and TypeScript sources; appends each resolved module URL to $SLUICE_TEST_MODULE_LOG. */
const HOOKS = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  if (/^tsx(\\/|$)/.test(specifier)) throw new Error('compiled-build guard: tsx imported (' + specifier + ')');
  const r = await next(specifier, context);
  if (/\\.[mc]?ts$/.test(new URL(r.url).pathname)) throw new Error('compiled-build guard: TypeScript source loaded: ' + r.url);
  appendFileSync(process.env.SLUICE_TEST_MODULE_LOG, r.url + '\\n');
  return r;
}
`;

interface Proc { child: ChildProcess; output: string[]; modules: string }

/** `node --import <guard> bin/sluice.js <args>`, as an install's `sluice` runs, until `ready` prints. */
async function startSluice(name: string, args: string[], ready: string, env: Record<string, string> = {}): Promise<Proc> {
  const modules = join(scratch, `${name}.modules`);
  writeFileSync(modules, '');
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...stack.env, SLUICE_LOG_LEVEL: 'info', SLUICE_TEST_MODULE_LOG: modules, ...env };
  delete childEnv.NODE_OPTIONS; // whatever the test runner passes its children, production has none
  const child = spawn(process.execPath, ['--import', guard, join(REPO, 'bin/sluice.js'), ...args], { cwd: REPO, env: childEnv, stdio: ['pipe', 'pipe', 'pipe'] });
  const output: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${output.join('')}`)), 30_000);
    const onData = (d: Buffer) => {
      output.push(d.toString());
      if (output.join('').includes(ready)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) at start:\n${output.join('')}`));
    });
  });
  return { child, output, modules };
}

async function stop(p: Proc): Promise<number | null> {
  if (p.child.exitCode !== null) return p.child.exitCode;
  const exited = new Promise<number | null>((resolve) => p.child.once('exit', (code) => resolve(code)));
  p.child.kill('SIGTERM');
  return exited;
}

/** The packages (node_modules/<name>) and repo files a process resolved, from its module list. */
function loaded(p: Proc): { packages: Set<string>; repoFiles: string[] } {
  const urls = readFileSync(p.modules, 'utf8').split('\n').filter((u) => u.startsWith('file:'));
  const packages = new Set(urls.map((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1]).filter((n): n is string => n !== undefined));
  const root = pathToFileURL(REPO).href + '/';
  const repoFiles = urls.filter((u) => u.startsWith(root) && !u.includes('/node_modules/')).map((u) => u.slice(root.length));
  return { packages, repoFiles };
}

before(async () => {
  const state = execFileSync(process.execPath, ['--input-type=module', '-e', "import { distState } from './bin/build-state.js'; console.log(distState());"], { cwd: REPO, encoding: 'utf8' }).trim();
  assert.equal(state, 'current', 'dist/ is not the build of these sources: run `npm run build` (npm test does)');
  scratch = mkdtempSync(join(tmpdir(), 'sluice-compiled-'));
  guard = join(scratch, 'guard.mjs');
  writeFileSync(join(scratch, 'hooks.mjs'), HOOKS);
  writeFileSync(guard, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(scratch, 'hooks.mjs')).href)});\n`);
  stack = await Stack.start({ regions: ['ra'], startWorkers: false });
});

after(async () => {
  await stack?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test('the built CLI runs a worker and an API from dist/ without tsx; the worker loads no HTTP server framework', async () => {
  const worker = await startSluice('worker', ['worker', '--region', 'ra', '--stop-on-stdin-end'], 'region worker started');
  const api = await startSluice('api', ['serve'], 'sluice API listening', { SLUICE_HTTP_HOST: '127.0.0.1', SLUICE_HTTP_PORT: '0' });
  try {
    // The compiled worker does its job: a job through the stack's API ends SUCCEEDED.
    const { status, body } = await stack.request('POST', '/v1/jobs', { body: shellJob('ra', 'echo compiled') });
    assert.equal(status, 202, JSON.stringify(body));
    await stack.waitForState(body.id, 'SUCCEEDED');
    const line = api.output.join('').split('\n').find((l) => l.includes('sluice API listening'))!;
    const { address } = JSON.parse(line) as { address: string };
    assert.equal((await fetch(`${address}/healthz`)).status, 200);
  } finally {
    assert.equal(await stop(api), 0, `sluice serve did not stop cleanly:\n${api.output.join('')}`);
    assert.equal(await stop(worker), 0, `the worker did not stop cleanly:\n${worker.output.join('')}`);
  }
  for (const p of [worker, api]) {
    const { packages, repoFiles } = loaded(p);
    assert.ok(repoFiles.includes('dist/src/cli/main.js'), `ran dist/src/cli/main.js: ${repoFiles.join(', ')}`);
    assert.deepEqual(repoFiles.filter((f) => !f.startsWith('dist/') && f !== 'bin/sluice.js' && f !== 'bin/build-state.js' && f !== 'package.json'), []);
    assert.ok(!packages.has('tsx') && !packages.has('esbuild'), [...packages].join(', '));
    assert.ok(!packages.has('@aws-sdk/client-sts'), 'no region has an sts check: the AWS SDK stays unloaded');
  }
  const workerPackages = loaded(worker).packages;
  for (const apiOnly of ['fastify', '@fastify/swagger', '@bull-board/api', '@bull-board/fastify']) {
    assert.ok(!workerPackages.has(apiOnly), `the worker loaded ${apiOnly}`);
  }
  assert.ok(loaded(api).packages.has('fastify'), 'the list sees what the API loads');
});

test('sluice --version runs compiled with tsx refused', async () => {
  const out = execFileSync(process.execPath, ['--import', guard, join(REPO, 'bin/sluice.js'), '--version'], {
    cwd: REPO, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', SLUICE_TEST_MODULE_LOG: join(scratch, 'version.modules') },
  });
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
  assert.equal(out.trim(), pkg.version);
});
