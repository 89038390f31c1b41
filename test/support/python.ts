// The Python interpreter of the tests' venv (test/support/python-venv.sh makes it; `npm test` runs
// that first), with the packages of test/support/python-requirements.txt.

import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export function testPython(): string {
  const python = join(process.env.SLUICE_CACHE_DIR ?? join(homedir(), '.cache', 'sluice'), 'venv', 'bin', 'python');
  if (!existsSync(python)) throw new Error(`no test Python at ${python}: run bash test/support/python-venv.sh (npm test does)`);
  return python;
}
