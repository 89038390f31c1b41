// The tests' name for the local YARN launcher (src/local-yarn, which `sluice dev` uses too).
//
//   node --import tsx test/support/real-yarn.ts      starts one, prints the RM URL, stops on Ctrl-C

import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Shutdown } from '../../src/runtime/index.ts';
import { startLocalYarn, type LocalYarn, type LocalYarnOptions } from '../../src/local-yarn/index.ts';

export {
  ADD_OPENS, ensureHadoopJars, freePort, hadoopCacheDir, hadoopVersion, javaAvailable, javaHome,
  killLeftoverContainers, tailOf, YARN_DIR,
} from '../../src/local-yarn/index.ts';
export type RealYarn = LocalYarn;
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
