#!/usr/bin/env node
// The `sluice` command. Runs the compiled CLI in dist/ when it is the build of the sources beside it
// (always, in an install: the package ships dist/ without src/); otherwise, in a checkout whose
// dist/ is missing or older than its sources, the TypeScript sources through tsx (development; a
// devDependency). See bin/build-state.js for how "current" is judged.

import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { BUILT_CLI, distState, ROOT } from './build-state.js';

const state = distState();
if (state === 'installed' || state === 'current') {
  await import(pathToFileURL(BUILT_CLI).href);
} else {
  if (state === 'stale') console.error('sluice: dist/ is older than the sources, running them through tsx (`npm run build` to run compiled)');
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch (err) {
    console.error(`sluice: no current build in dist/, and tsx (a devDependency) cannot be loaded: ${err.message}\nRun \`npm run build\` (or \`npm install\` for development).`);
    process.exit(1);
  }
  register();
  await import(pathToFileURL(join(ROOT, 'src/cli/main.ts')).href);
}
