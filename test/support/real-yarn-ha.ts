// The tests' name for the local YARN HA launcher (src/local-yarn).
//
//   node --import tsx test/support/real-yarn-ha.ts      starts one, prints the RM URLs, stops on Ctrl-C

import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Shutdown } from '../../src/runtime/index.ts';
import { startLocalYarnHa, type LocalYarnHa, type LocalYarnHaOptions } from '../../src/local-yarn/index.ts';

export { javaAvailable, RM_IDS, type RmId } from '../../src/local-yarn/index.ts';
export type RealYarnHa = LocalYarnHa;
export type RealYarnHaOptions = LocalYarnHaOptions;
export const startRealYarnHa = startLocalYarnHa;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const shutdown = new Shutdown().installSignalHandlers();
  const yarn = await shutdown.launch('yarn', () => startLocalYarnHa(), (y) => y.stop());
  console.log(`ResourceManagers: ${yarn.rmUrls.join(' ')} (rm1 ACTIVE)`);
  console.log(`Hadoop ${yarn.hadoopVersion}, started in ${yarn.startupMs} ms`);
  console.log(`scratch: ${yarn.scratchDir}`);
  console.log('Ctrl-C stops it.');
}
