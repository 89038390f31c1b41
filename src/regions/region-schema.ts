// A region file (regions/<name>.json, ARCHITECTURE.md "Region file"), validated strictly: an unknown
// field is an error, so a typo never silently changes routing.

import { z } from 'zod';
import { sparkConf } from '../jobs/spark-conf.ts';
import { preflightConfig } from '../preflight/check-schema.ts';
import { networkConfig } from '../routing/network-config.ts';
import { DEFAULT_ROLLOUT, rolloutConfig } from './rollout-config.ts';

const limits = z.strictObject({
  memoryMb: z.int().min(64),
  vcores: z.int().min(1),
  timeoutSeconds: z.int().min(1),
});

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const regionFile = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and -'),
  yarn: z.strictObject({
    resourceManagers: z.array(httpUrl).min(1).max(4),
    user: z.string().min(1),
    queue: z.string().min(1).default('default'),
    /** A path (relative to the region file) or file:// URL of the Distributed Shell jar. */
    distributedShellJar: z.string().min(1),
    /** The AM's CLASSPATH; YARN expands {{VAR}} and <CPS>. */
    // Default: what yarn.application.classpath gives a stock Hadoop 3 install.
    amClasspath: z.string().min(1).default([
      './*', '{{HADOOP_CONF_DIR}}',
      '{{HADOOP_COMMON_HOME}}/share/hadoop/common/*', '{{HADOOP_COMMON_HOME}}/share/hadoop/common/lib/*',
      '{{HADOOP_HDFS_HOME}}/share/hadoop/hdfs/*', '{{HADOOP_HDFS_HOME}}/share/hadoop/hdfs/lib/*',
      '{{HADOOP_YARN_HOME}}/share/hadoop/yarn/*', '{{HADOOP_YARN_HOME}}/share/hadoop/yarn/lib/*',
    ].join('<CPS>')),
    amMemoryMb: z.int().min(64).default(256),
    /** How `hadoop jar` is run on the region's nodes (kind hadoop-jar): program and fixed args. */
    hadoopJarCommand: z.array(z.string().min(1)).min(1).default(['hadoop', 'jar']),
    /** How `spark-submit` is run on the region's nodes (kind spark): program and fixed args. */
    sparkSubmitCommand: z.array(z.string().min(1)).min(1).default(['spark-submit']),
    /**
     * Spark conf every spark job of the region gets (a job's own `conf` wins key by key), e.g.
     * `spark.yarn.archive`, `spark.pyspark.python`. The keys Sluice sets itself are refused here too.
     */
    sparkConf: sparkConf.default({}),
    defaults: limits,
    limits,
  }),
  staging: z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('file'), dir: z.string().min(1) }),
  ]),
  network: networkConfig.default({ connectTimeoutMs: 3000, requestTimeoutMs: 10000 }),
  preflight: preflightConfig.default({ intervalSeconds: 30, deadlineSeconds: 300, checks: [] }),
  worker: z.strictObject({
    concurrency: z.int().min(1).max(256).default(32),
    trackerIntervalMs: z.int().min(100).default(2000),
  }).default({ concurrency: 32, trackerIntervalMs: 2000 }),
  /** The starting rollout; an admin changes it live (the live setting then wins until changed again). */
  rollout: rolloutConfig.default(DEFAULT_ROLLOUT),
}).superRefine((r, ctx) => {
  for (const key of ['memoryMb', 'vcores', 'timeoutSeconds'] as const) {
    if (r.yarn.defaults[key] > r.yarn.limits[key]) {
      ctx.addIssue({ code: 'custom', path: ['yarn', 'defaults', key], message: `default ${r.yarn.defaults[key]} is above the limit ${r.yarn.limits[key]}` });
    }
  }
});

export type RegionFile = z.infer<typeof regionFile>;

/** A region after loading: paths resolved, frozen. */
export interface Region extends RegionFile {
  /** The file it came from, for error messages. */
  file: string;
  yarn: RegionFile['yarn'] & { distributedShellJarPath: string };
  staging: RegionFile['staging'] & { dirPath: string };
}
