// kind spark: what a spec may say, and the spark-submit command line it becomes.

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkRegionLimits, parseJobSpec, RESERVED_SPARK_CONF, type SparkJobSpec } from '../../src/jobs/index.ts';
import { sparkSubmitArgv } from '../../src/queue/spark-submit-argv.ts';
import { lastPythonError } from '../../src/yarn/driver-error.ts';
import { loadRegions } from '../../src/regions/index.ts';
import { regionFile } from '../../src/regions/region-schema.ts';

const base = { region: 'r', name: 'etl daily', kind: 'spark', application: '/opt/jobs/etl.py' };
const issues = (body: Record<string, unknown>) => {
  const r = parseJobSpec({ ...base, ...body });
  return r.ok ? [] : r.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};
const parse = (body: Record<string, unknown> = {}) => {
  const r = parseJobSpec({ ...base, ...body });
  assert.ok(r.ok, JSON.stringify(r));
  return r.spec as SparkJobSpec;
};

test('a minimal spark spec gets its defaults', () => {
  const spec = parse();
  assert.deepEqual([spec.conf, spec.pyFiles, spec.jars, spec.driver, spec.executors], [{}, [], [], {}, {}]);
});

// Written out here, not read from the code's table: a key dropped from the table must fail this.
const MUST_REFUSE: [string, RegExp][] = [
  ['spark.master', /--master yarn/],
  ['spark.submit.deployMode', /--deploy-mode cluster/],
  ['spark.yarn.tags', /how Sluice finds, follows and kills it/],
  ['spark.yarn.applicationType', /application type/],
  ['spark.yarn.submit.waitAppCompletion', /waits for the Spark application/],
  ['spark.app.name', /set `name`/],
  ['spark.yarn.queue', /set `queue`/],
  ['spark.hadoop.fs.defaultFS', /filesystem/],
  ['spark.hadoop.yarn.resourcemanager.address', /the cluster the application is submitted to/],
  ['spark.hadoop.yarn.resourcemanager.ha.rm-ids', /the cluster the application is submitted to/],
  ['spark.hadoop.hadoop.security.authentication', /security and identity/],
  ['spark.kerberos.principal', /another identity/],
  ['spark.kerberos.keytab', /another identity/],
  ['spark.yarn.principal', /another identity/],
  ['spark.yarn.keytab', /another identity/],
  ['spark.yarn.appMasterEnv.HADOOP_USER_NAME', /sets HADOOP_USER_NAME for the Spark application/],
  ['spark.executorEnv.HADOOP_CONF_DIR', /sets HADOOP_CONF_DIR for the Spark application/],
  ['spark.yarn.appMasterEnv.HADOOP_PROXY_USER', /another identity/],
  ['spark.driver.memory', /set driver\.memoryMb instead: the region's limits apply to it/],
  ['spark.executor.instances', /set executors\.count instead/],
];
for (const [key, why] of MUST_REFUSE) {
  test(`conf ${key} is refused, naming the key and why`, () => {
    const found = issues({ conf: { [key]: 'x' } });
    assert.equal(found.length, 1, found.join('\n'));
    assert.ok(found[0]!.startsWith(`conf.${key}: `), found[0]);
    assert.match(found[0]!, why);
  });
}

test('what a Spark job may set in conf: ordinary properties, the driver\'s and executors\' other env, S3 settings', () => {
  const conf = { 'spark.sql.shuffle.partitions': '64', 'spark.yarn.appMasterEnv.TARGET': 'prod', 'spark.executorEnv.TZ': 'UTC', 'spark.hadoop.fs.s3a.endpoint': 'http://s3:9000', 'spark.yarn.maxAppAttempts': '1' };
  assert.deepEqual(parse({ conf }).conf, conf);
});

const refused: [string, Record<string, unknown>, RegExp][] = [
  ['a conf key outside spark.*', { conf: { 'hadoop.x': '1' } }, /^conf\.hadoop\.x: must be a Spark property name/],
  ['a newline in a conf value', { conf: { 'spark.x': 'a\nb' } }, /^conf\.spark\.x: must not contain control characters/],
  ['mainClass with a .py application', { mainClass: 'a.B' }, /^mainClass: applies only to a \.jar application/],
  ['a relative application', { application: 'etl.py' }, /^application: must be an absolute path on the cluster nodes or a URI/],
  ['an application that is neither .py nor .jar', { application: '/opt/etl.sh' }, /^application: must name a \.py or \.jar file/],
  ['a comma in a py file', { pyFiles: ['/opt/a,b.py'] }, /^pyFiles\.0: must be an absolute path/],
  ['a jar that is not a .jar', { jars: ['/opt/lib.zip'] }, /^jars\.0: must name a \.jar file/],
  ['HADOOP_CONF_DIR in env', { env: { HADOOP_CONF_DIR: '/elsewhere' } }, /^env\.HADOOP_CONF_DIR: HADOOP_CONF_DIR may not be set for a spark job: it picks the cluster/],
  ['HADOOP_PROXY_USER in env', { env: { HADOOP_PROXY_USER: 'hdfs' } }, /^env\.HADOOP_PROXY_USER: HADOOP_PROXY_USER may not be set for a spark job: a job runs as its region's YARN user/],
  ['HADOOP_USER_NAME in env', { env: { HADOOP_USER_NAME: 'hdfs' } }, /^env\.HADOOP_USER_NAME: HADOOP_USER_NAME may not be set/],
  ['too small a driver', { driver: { memoryMb: 100 } }, /^driver\.memoryMb: /],
  ['an unknown field', { executor: {} }, /unknown field\(s\): executor/],
];
for (const [what, body, expected] of refused) {
  test(`refused: ${what}`, () => {
    const found = issues(body);
    assert.equal(found.length, 1, found.join('\n'));
    assert.match(found[0]!, expected);
  });
}

test('a hadoop-jar job may not point its applications at another cluster either', () => {
  const r = parseJobSpec({ region: 'r', name: 'n', kind: 'hadoop-jar', jar: '/opt/x.jar', env: { YARN_CONF_DIR: '/x' } });
  assert.ok(!r.ok);
  assert.deepEqual(r.issues.map((i) => i.path.join('.')), ['env.YARN_CONF_DIR']);
});

test("each Spark container is held to the region's limits", () => {
  const spec = parse({ driver: { memoryMb: 8192 }, executors: { vcores: 9 } });
  assert.deepEqual(checkRegionLimits(spec, { memoryMb: 4096, vcores: 4, timeoutSeconds: 60 }).map((i) => i.path.join('.')), ['driver.memoryMb', 'executors.vcores']);
});

const region = {
  yarn: {
    ...regionFile.shape.yarn.parse({
      resourceManagers: ['http://rm:8088'], user: 'u', distributedShellJar: 'ds.jar',
      defaults: { memoryMb: 512, vcores: 1, timeoutSeconds: 60 }, limits: { memoryMb: 4096, vcores: 4, timeoutSeconds: 600 },
      sparkSubmitCommand: ['/opt/spark/bin/spark-submit', '--verbose'],
      sparkConf: { 'spark.yarn.archive': 'hdfs:///spark/libs.zip', 'spark.executor.memory': '1g', 'spark.sql.shuffle.partitions': '200' },
    }),
    distributedShellJarPath: '/x/ds.jar',
  },
};

test('the command line: cluster mode, the tags and waiting last, the job\'s conf over the region\'s, fields as flags', () => {
  const spec = parse({
    application: '/opt/jobs/etl.jar', mainClass: 'com.acme.Etl', args: ['--day', '2026-12-01'], queue: 'etl',
    conf: { 'spark.sql.shuffle.partitions': '8', 'spark.eventLog.enabled': 'true' },
    jars: ['/opt/lib/a.jar', 'hdfs:///lib/b.jar'], driver: { memoryMb: 2048, vcores: 2 }, executors: { count: 4 },
  });
  assert.deepEqual(sparkSubmitArgv(spec, region, ['sluice', 'sluice-job-job_x']), [
    '/opt/spark/bin/spark-submit', '--verbose',
    '--master', 'yarn', '--deploy-mode', 'cluster', '--name', 'etl daily', '--queue', 'etl',
    '--conf', 'spark.yarn.archive=hdfs:///spark/libs.zip', '--conf', 'spark.executor.memory=1g', '--conf', 'spark.sql.shuffle.partitions=8',
    '--conf', 'spark.eventLog.enabled=true',
    '--conf', 'spark.yarn.tags=sluice,sluice-job-job_x', '--conf', 'spark.yarn.submit.waitAppCompletion=true',
    '--driver-memory', '2048m', '--driver-cores', '2', '--num-executors', '4',
    '--class', 'com.acme.Etl', '--jars', '/opt/lib/a.jar,hdfs:///lib/b.jar',
    '/opt/jobs/etl.jar', '--day', '2026-12-01',
  ]);
});

test("a region's default conf is checked like a job's: the region file does not load, and says why", () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-spark-region-'));
  writeFileSync(join(dir, 'r.json'), JSON.stringify({
    name: 'r', staging: { type: 'file', dir: '/tmp/x' },
    yarn: {
      resourceManagers: ['http://rm:8088'], user: 'u', distributedShellJar: 'ds.jar',
      defaults: { memoryMb: 512, vcores: 1, timeoutSeconds: 60 }, limits: { memoryMb: 4096, vcores: 4, timeoutSeconds: 600 },
      sparkConf: { 'spark.master': 'local[*]' },
    },
  }));
  assert.throws(() => loadRegions(dir), (err: Error) => err.message.includes(`yarn.sparkConf.spark.master: spark.master may not be set: ${RESERVED_SPARK_CONF['spark.master']}`));
});

test("a PySpark driver's error: the exception line of the last traceback in its output", () => {
  const out = [
    'starting', 'Traceback (most recent call last):', '  File "a.py", line 1, in <module>', '    f()', 'KeyError: first',
    'retrying', 'Traceback (most recent call last):', '  File "/x/boom.py", line 3, in <module>',
    '    raise ValueError("bad input")', 'ValueError: bad input', '26/12/03 INFO ShutdownHookManager: Shutdown hook called',
  ].join('\n');
  assert.equal(lastPythonError(out), 'ValueError: bad input');
  assert.equal(lastPythonError('26/12/03 ERROR ApplicationMaster: User application exited with status 1\n'), null);
});
