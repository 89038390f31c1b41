// The command line of a spark job's container: the region's spark-submit, in YARN cluster mode, with
// the job's tags on the Spark application (so Sluice finds, follows and kills it as the job's child)
// and the launcher waiting for it to end (so the job's own application ends when Spark's does).
// Argv, never shell text: the launch script hands it to exec as data.

import type { SparkJobSpec } from '../jobs/index.ts';
import type { Region } from '../regions/index.ts';

export function sparkSubmitArgv(spec: SparkJobSpec, region: Pick<Region, 'yarn'>, tags: readonly string[]): string[] {
  const conf = { ...region.yarn.sparkConf, ...spec.conf };
  const opt = (flag: string, value: string | number | undefined) => (value === undefined ? [] : [flag, String(value)]);
  return [
    ...region.yarn.sparkSubmitCommand,
    '--master', 'yarn',
    '--deploy-mode', 'cluster',
    '--name', spec.name,
    '--queue', spec.queue ?? region.yarn.queue,
    ...Object.entries(conf).flatMap(([k, v]) => ['--conf', `${k}=${v}`]),
    // Sluice's own settings go last: of two --conf for one key, spark-submit keeps the last.
    '--conf', `spark.yarn.tags=${tags.join(',')}`,
    '--conf', 'spark.yarn.submit.waitAppCompletion=true',
    ...opt('--driver-memory', spec.driver.memoryMb && `${spec.driver.memoryMb}m`),
    ...opt('--driver-cores', spec.driver.vcores),
    ...opt('--num-executors', spec.executors.count),
    ...opt('--executor-memory', spec.executors.memoryMb && `${spec.executors.memoryMb}m`),
    ...opt('--executor-cores', spec.executors.vcores),
    ...opt('--class', spec.mainClass),
    ...(spec.pyFiles.length ? ['--py-files', spec.pyFiles.join(',')] : []),
    ...(spec.jars.length ? ['--jars', spec.jars.join(',')] : []),
    spec.application,
    ...spec.args,
  ];
}
