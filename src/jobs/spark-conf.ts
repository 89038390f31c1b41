// The Spark conf a job (or its region's default conf) may pass to spark-submit. Every pair becomes
// one `--conf key=value` argument (never shell text: the launch script passes argv as data), but
// some keys would take the job out of Sluice's hands — where it runs, how it is found, whether the
// launcher waits for it — so Sluice sets those itself and refuses them, saying why.

import { z } from 'zod';

/** Keys Sluice sets itself, each with the reason a job may not. */
export const RESERVED_SPARK_CONF: Readonly<Record<string, string>> = Object.freeze({
  'spark.master': "Sluice runs every Spark job on its region's YARN (--master yarn)",
  'spark.submit.deployMode': "Sluice runs the driver on YARN (--deploy-mode cluster): the job's container only launches it, and a cancel reaches the driver",
  'spark.yarn.tags': "Sluice tags the Spark application with the job's tags: they are how Sluice finds, follows and kills it",
  'spark.yarn.submit.waitAppCompletion': "the job's container waits for the Spark application, so the job ends when the application does",
  'spark.app.name': "the Spark application takes the job's name (set `name`)",
  'spark.yarn.queue': "the Spark application runs in the job's queue (set `queue`; the region checks it)",
  'spark.yarn.principal': "a job runs as its region's YARN user: another identity would go around Sluice's authorization",
  'spark.yarn.keytab': "a job runs as its region's YARN user: another identity would go around Sluice's authorization",
  'spark.kerberos.principal': "a job runs as its region's YARN user: another identity would go around Sluice's authorization",
  'spark.kerberos.keytab': "a job runs as its region's YARN user: another identity would go around Sluice's authorization",
  'spark.yarn.user': "a job runs as its region's YARN user: another identity would go around Sluice's authorization",
});

/**
 * Keys with a field of their own in the job spec: a job sets one or the other, never both (which
 * would win is not obvious to the reader of the spec).
 */
export const SPARK_CONF_FIELDS: Readonly<Record<string, string>> = Object.freeze({
  'spark.driver.memory': 'driver.memoryMb',
  'spark.driver.cores': 'driver.vcores',
  'spark.executor.instances': 'executors.count',
  'spark.executor.memory': 'executors.memoryMb',
  'spark.executor.cores': 'executors.vcores',
});

/** Why a conf key may not be set, or null. */
export function reservedSparkConfReason(key: string): string | null {
  return Object.hasOwn(RESERVED_SPARK_CONF, key) ? RESERVED_SPARK_CONF[key] as string : null;
}

const confKey = z.string().max(256)
  .regex(/^spark\.[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'must be a Spark property name: spark. followed by dot-separated letters, digits, _ and -')
  .superRefine((key, ctx) => {
    const reason = reservedSparkConfReason(key);
    if (reason) ctx.addIssue({ code: 'custom', message: `${key} may not be set: ${reason}` });
  });

// Tab is allowed (some Java options lists use it); other control bytes, newlines included, are
// not: spark-submit's launcher reads its arguments line- and NUL-separated.
const confValue = z.string().max(8192).regex(/^[^\x00-\x08\x0a-\x1f\x7f]*$/, 'must not contain control characters (newline, NUL, ...)');

/** A conf map: the job's `conf`, or a region's `yarn.sparkConf`. */
export const sparkConf = z.record(confKey, confValue)
  .refine((c) => Object.keys(c).length <= 256, 'at most 256 properties');
