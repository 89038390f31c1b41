// Whether dist/ is the build of the sources beside it. `npm run build` (bin/build.js) records the
// newest modification time among the inputs it compiled; dist/ is current while no input is newer.
// Directories count too: adding, removing or renaming a source file changes its directory's time.
// A git checkout or pull touches what it changes, so a stale dist/ is never mistaken for current.
// Plain JavaScript: it runs before anything is compiled and without tsx.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..');
export const BUILT_CLI = join(ROOT, 'dist/src/cli/main.js');
export const STAMP = join(ROOT, 'dist/build-stamp.json');

/** What the build compiles (tsconfig.build.json) and the settings it compiles them with. */
const INPUT_DIRS = ['src', 'workers'];
const INPUT_FILES = ['tsconfig.json', 'tsconfig.build.json'];

function newestIn(dir) {
  let newest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** The newest modification time among the build's inputs, in ms. */
export function newestInputMtime(root = ROOT) {
  return Math.max(
    ...INPUT_DIRS.map((d) => newestIn(join(root, d))),
    ...INPUT_FILES.map((f) => statSync(join(root, f)).mtimeMs),
  );
}

/**
 * 'installed': no sources here (a packed install ships dist/ only); 'absent': never built;
 * 'stale': an input changed since the build; 'current'.
 */
export function distState(root = ROOT) {
  if (!existsSync(join(root, 'src'))) return 'installed';
  if (!existsSync(join(root, 'dist/src/cli/main.js')) || !existsSync(join(root, 'dist/build-stamp.json'))) return 'absent';
  const stamp = JSON.parse(readFileSync(join(root, 'dist/build-stamp.json'), 'utf8'));
  return newestInputMtime(root) > stamp.inputsMtimeMs ? 'stale' : 'current';
}
