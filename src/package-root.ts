// Where the package's own files are (package.json, config/, regions/, the CLI's entry), the same
// whether this module runs as src/package-root.ts under tsx or compiled as dist/src/package-root.js:
// the build mirrors the repo under dist/, one directory deeper.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** True when running the build in dist/ rather than the TypeScript sources through tsx. */
export const COMPILED = import.meta.filename.endsWith('.js');

export const PACKAGE_ROOT = join(import.meta.dirname, COMPILED ? '../..' : '..');

export const PACKAGE_VERSION = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * node's arguments that run `sluice <args>` the way this process runs: the compiled CLI with no
 * loader, or the sources through tsx (development; tsx is a devDependency).
 */
export function sluiceCommandArgs(args: string[]): string[] {
  return COMPILED
    ? [join(PACKAGE_ROOT, 'dist/src/cli/main.js'), ...args]
    : ['--import', 'tsx', join(PACKAGE_ROOT, 'src/cli/main.ts'), ...args];
}
