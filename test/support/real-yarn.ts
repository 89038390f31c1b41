// The tests' name for the local YARN launcher (src/local-yarn, which `sluice dev` uses too).
//
//   node --import tsx test/support/real-yarn.ts      starts one, prints the RM URL, stops on Ctrl-C

import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Shutdown } from '../../src/runtime/index.ts';
import { javaAvailable, startLocalYarn, type LocalYarn, type LocalYarnOptions } from '../../src/local-yarn/index.ts';

export {
  ADD_OPENS, ensureHadoopJars, freePort, hadoopCacheDir, hadoopVersion, javaAvailable, javaHome,
  killLeftoverContainers, tailOf, YARN_DIR,
} from '../../src/local-yarn/index.ts';
export type RealYarn = LocalYarn;

/**
 * Why a test that starts a real YARN does not run now, or false when it does: no Java, or the run
 * is the second Node version's (`--skip-real-yarn`: those suites ran once under the first).
 */
export function realYarnSkip(): string | false {
  if (process.env.SLUICE_TEST_SKIP_REAL_YARN === '1') return 'real-YARN tests run once, under the first Node version (--skip-real-yarn)';
  return javaAvailable() ? false : 'needs Java 17';
}
export type RealYarnOptions = LocalYarnOptions;
export const startRealYarn = startLocalYarn;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const shutdown = new Shutdown().installSignalHandlers();
  const yarn = await shutdown.launch('yarn', (signal) => startLocalYarn({
    signal, webPort: process.env.RM_WEB_PORT ? Number(process.env.RM_WEB_PORT) : undefined,
  }), (y) => y.stop());
  console.log(`ResourceManager: ${yarn.rmUrl}`);
  console.log(`Hadoop ${yarn.hadoopVersion}, started in ${yarn.startupMs} ms`);
  console.log(`scratch: ${yarn.scratchDir}`);
  console.log(`distributed shell jar: ${yarn.distributedShellJar}`);
  console.log(`AM classpath: ${yarn.amClasspath}`);
  console.log('Ctrl-C stops it.');
}
