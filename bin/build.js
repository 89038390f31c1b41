#!/usr/bin/env node
// `npm run build`: compiles src/ and workers/ (tsconfig.build.json) into dist/, mirroring the repo
// (dist/src/cli/main.js, dist/workers/region-worker.js, the client's .d.ts), then stamps it with the
// newest input time read before compiling (an edit made during the build leaves it stale).
// `--if-stale` (prepack) does nothing when dist/ is current: a pack during `npm test`, which built
// first, must not rewrite dist/ under processes running from it.

import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { distState, newestInputMtime, ROOT, STAMP } from './build-state.js';

if (process.argv.includes('--if-stale') && distState() === 'current') process.exit(0);

const inputsMtimeMs = newestInputMtime();
// From scratch: a deleted source must not leave its old .js behind.
rmSync(join(ROOT, 'dist'), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
if (r.status !== 0) {
  console.error('build failed: dist/ not stamped');
  process.exit(r.status ?? 1);
}
writeFileSync(STAMP, `${JSON.stringify({ inputsMtimeMs, builtAt: new Date().toISOString() })}\n`);
