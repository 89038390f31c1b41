// A real Hadoop YARN on this machine (RM + NM JVMs from Maven Central's jars), for `sluice dev` and
// the tests. Never imported by production code.

export { startLocalYarn, type LocalYarn, type LocalYarnOptions } from './local-yarn.ts';
export { startLocalYarnHa, RM_IDS, type LocalYarnHa, type LocalYarnHaOptions, type RmId } from './local-yarn-ha.ts';
export { ensureHadoopJars, hadoopCacheDir, hadoopVersion, javaAvailable, javaHome, YARN_DIR } from './hadoop-install.ts';
export { ADD_OPENS, killLeftoverContainers, tailOf } from './yarn-daemons.ts';
export { freePort } from './ports.ts';
