// Spark for the tests: PyPI's pyspark in the tests' venv (test/support/python-requirements.txt) is a
// whole Spark (its jars, spark-submit, the PySpark archives YARN ships to containers). A region's
// spark settings point at it as an operator's would point at a Spark install on the nodes.

import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testPython } from './python.ts';

/** Writes a PySpark application: `imports`, a SparkSession as `spark`, then `body`. Returns its path. */
export function writePySparkApp(path: string, body: string[], imports: string[] = []): string {
  writeFileSync(path, [...imports, 'from pyspark.sql import SparkSession', 'spark = SparkSession.builder.getOrCreate()', ...body, ''].join('\n'));
  return path;
}

export function sparkHome(): string {
  const python = testPython();
  const home = execFileSync(python, ['-c', 'import os, pyspark; print(os.path.dirname(pyspark.__file__))'], { encoding: 'utf8' }).trim();
  if (!existsSync(join(home, 'bin', 'spark-submit'))) throw new Error(`no spark-submit under ${home}: is pyspark installed in ${python}?`);
  return home;
}

/**
 * A region's `yarn` settings for Spark on the test YARN (one 8 GB NodeManager): Spark's jars read
 * where they are on the node (`local:`) instead of uploaded per job, one application attempt, and
 * containers small enough that a driver and an executor fit beside the launcher.
 */
export function sparkRegionYarn(): { sparkSubmitCommand: string[]; sparkConf: Record<string, string> } {
  const home = sparkHome();
  return {
    sparkSubmitCommand: [join(home, 'bin', 'spark-submit')],
    sparkConf: {
      'spark.yarn.jars': `local:${home}/jars/*`,
      'spark.pyspark.python': testPython(),
      'spark.yarn.maxAppAttempts': '1',
      'spark.driver.memory': '512m',
      'spark.executor.memory': '512m',
      'spark.executor.instances': '1',
      'spark.ui.showConsoleProgress': 'false',
    },
  };
}
