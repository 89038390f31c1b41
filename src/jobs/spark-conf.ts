// The Spark conf a job (or its region's default conf) may pass to spark-submit. Every pair becomes
// one `--conf key=value` argument (never shell text: the launch script passes argv as data), but
// some keys would take the job out of Sluice's hands — which cluster it runs on, as whom, how it is
// found, whether the launcher waits for it — so Sluice sets or forbids those, saying why.

import { z } from 'zod';

const IDENTITY = "a job runs as its region's YARN user: another identity would go around Sluice's authorization";

/** Keys Sluice sets itself or forbids, each with the reason a job may not set it. */
export const RESERVED_SPARK_CONF: Readonly<Record<string, string>> = Object.freeze({
  'spark.master': "Sluice runs every Spark job on its region's YARN (--master yarn)",
  'spark.submit.deployMode': "Sluice runs the driver on YARN (--deploy-mode cluster): the job's container only launches it, and a cancel reaches the driver",
  'spark.yarn.tags': "Sluice tags the Spark application with the job's tags: they are how Sluice finds, follows and kills it",
  'spark.yarn.applicationType': "Sluice tells a job's own application from what it started by the application type (SPARK)",
  'spark.yarn.submit.waitAppCompletion': "the job's container waits for the Spark application, so the job ends when the application does",
  'spark.app.name': "the Spark application takes the job's name (set `name`)",
  'spark.yarn.queue': "the Spark application runs in the job's queue (set `queue`; the region checks it)",
  'spark.hadoop.fs.defaultFS': "it picks the filesystem the application is staged on: the region's cluster says that",
  'spark.yarn.principal': IDENTITY,
  'spark.yarn.keytab': IDENTITY,
  'spark.kerberos.principal': IDENTITY,
  'spark.kerberos.keytab': IDENTITY,
  'spark.kerberos.access.hadoopFileSystems': IDENTITY,
});

/** Key prefixes forbidden whole, each with the reason. */
export const RESERVED_SPARK_CONF_PREFIXES: Readonly<Record<string, string>> = Object.freeze({
  // The YARN client's own settings: another ResourceManager, another scheduler address.
  'spark.hadoop.yarn.': "the YARN client's settings pick the cluster the application is submitted to: the region's nodes say that",
  'spark.hadoop.hadoop.': "Hadoop's security and identity settings are the region's to say",
});

/**
 * Env names that decide which cluster a program submits to, and as whom: a job may not set them,
 * neither in its `env` (for kinds whose program submits to YARN itself) nor in the driver's or
 * executors' environment through Spark conf (`spark.yarn.appMasterEnv.*`, `spark.executorEnv.*`).
 */
export const CLUSTER_ENV_NAMES: Readonly<Record<string, string>> = Object.freeze({
  HADOOP_CONF_DIR: "it picks the cluster the job's applications are submitted to: the region's nodes say that",
  YARN_CONF_DIR: "it picks the cluster the job's applications are submitted to: the region's nodes say that",
  HADOOP_HOME: "it picks which Hadoop, and so which configuration, the job's programs use: the region's nodes say that",
  HADOOP_USER_CLASSPATH_FIRST: "it puts the job's classpath, and any configuration on it, ahead of the region's",
  SPARK_CONF_DIR: "its spark-env.sh runs as spark-submit starts and could set any of these: the region's Spark install says that",
  SPARK_HOME: "it picks which Spark the region's spark-submit runs: the region's sparkSubmitCommand says that",
  HADOOP_USER_NAME: IDENTITY,
  HADOOP_PROXY_USER: IDENTITY,
});

/** Prefixes of conf keys that set an environment variable of the driver or the executors. */
const ENV_CONF_PREFIXES = ['spark.yarn.appMasterEnv.', 'spark.executorEnv.'];

/**
 * Keys with a field of their own in the job spec (a job sets the field: it is what the region's
 * limits are checked against). A region's default conf may set them.
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
  if (Object.hasOwn(RESERVED_SPARK_CONF, key)) return RESERVED_SPARK_CONF[key] as string;
  for (const [prefix, reason] of Object.entries(RESERVED_SPARK_CONF_PREFIXES)) if (key.startsWith(prefix)) return reason;
  for (const prefix of ENV_CONF_PREFIXES) {
    const name = key.startsWith(prefix) ? key.slice(prefix.length) : null;
    if (name && Object.hasOwn(CLUSTER_ENV_NAMES, name)) return `it sets ${name} for the Spark application: ${CLUSTER_ENV_NAMES[name]}`;
  }
  return null;
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
