// The Airflow provider (clients/airflow) against a real Apache Airflow 3.x (the tests' venv) and a
// real Sluice: regions on RM emulators for most cases, one on a real Hadoop YARN, and one region per
// rollout mode the provider falls back on. The pytest suite (clients/airflow/tests) runs the DAGs
// with dag.test() and checks every job's state through Sluice's API; this file starts what it
// needs and asserts that pytest passed. Named *real-yarn* so the runner gives it the machine alone.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { testPython } from '../support/python.ts';
import { javaAvailable, startRealYarn, type RealYarn } from '../support/real-yarn.ts';
import { sparkRegionYarn, writePySparkApp } from '../support/spark.ts';
import { ADMIN_TOKEN, REPO, Stack } from '../support/stack.ts';

if (!javaAvailable()) throw new Error('the Airflow provider suite needs Java 17 and Maven (one of its regions is a real YARN)');

// The region names the pytest suite reads from SLUICE_TEST_REGION_*.
const REGIONS = { emulator: 'ra', yarn: 'ry', off: 'roff', canary: 'rcanary', shadow: 'rshadow' } as const;
// Only this team is in the canary: the tests' DAGs belong to other teams, so they are refused.
const CANARY_TEAM = 'canary-team';

let yarn: RealYarn;
let stack: Stack;
let airflowHome: string;
let pytest: ChildProcess | undefined;
before(async () => {
  yarn = await startRealYarn({ requireUserName: true });
  stack = await Stack.start({
    regions: Object.values(REGIONS),
    realYarn: { [REGIONS.yarn]: yarn },
    trackerIntervalMs: 300,
    // The real YARN's region runs Spark too (PyPI's pyspark, as in spark-real-yarn.test.ts).
    yarn: (name) => (name === REGIONS.yarn ? sparkRegionYarn() : {}),
    region: (name) => {
      if (name === REGIONS.off) return { rollout: { mode: 'off' } };
      if (name === REGIONS.canary) return { rollout: { mode: 'canary', canary: { teams: [CANARY_TEAM] } } };
      if (name === REGIONS.shadow) return { rollout: { mode: 'shadow' } };
      return {};
    },
  });
  airflowHome = mkdtempSync(join(tmpdir(), 'sluice-airflow-home-'));
  // The Spark DAG's application, on the node's disk as an operator's would be.
  writePySparkApp(join(airflowHome, 'word_count.py'), [
    'words = spark.sparkContext.parallelize(sys.argv[1:]).countByValue()',
    'print("counted " + " ".join(f"{w}={n}" for w, n in sorted(words.items())))',
    'spark.stop()',
  ], ['import sys']);
});
after(async () => {
  // A run cut short (the test's timeout) must not leave pytest running against a stopped stack.
  if (pytest && pytest.exitCode === null && pytest.signalCode === null) pytest.kill('SIGKILL');
  await stack?.close();
  await yarn?.stop();
  if (airflowHome) rmSync(airflowHome, { recursive: true, force: true });
});

test('the Airflow provider\'s pytest suite passes against this stack', { timeout: 9 * 60_000 }, async () => {
  const started = Date.now();
  const code = await new Promise<number>((resolve, reject) => {
    const child = pytest = spawn(testPython(), ['-m', 'pytest', 'clients/airflow/tests', '-q', '-p', 'no:cacheprovider', '-rA', '--durations=15'], {
      cwd: REPO,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        PYTHONPATH: join(REPO, 'clients/airflow/src'),
        PYTHONDONTWRITEBYTECODE: '1',
        AIRFLOW_HOME: airflowHome,
        AIRFLOW__CORE__LOAD_EXAMPLES: 'False',
        // The suite's DAG files: dag.test() runs only DAGs Airflow has parsed from its DAG folder.
        AIRFLOW__CORE__DAGS_FOLDER: join(REPO, 'clients/airflow/tests/dags'),
        AIRFLOW__CORE__UNIT_TEST_MODE: 'False',
        SLUICE_TEST_URL: stack.api,
        SLUICE_TEST_TOKEN: ADMIN_TOKEN,
        SLUICE_TEST_REGION_EMULATOR: REGIONS.emulator,
        SLUICE_TEST_REGION_YARN: REGIONS.yarn,
        SLUICE_TEST_REGION_OFF: REGIONS.off,
        SLUICE_TEST_REGION_CANARY: REGIONS.canary,
        SLUICE_TEST_REGION_SHADOW: REGIONS.shadow,
        SLUICE_TEST_CANARY_TEAM: CANARY_TEAM,
        SLUICE_TEST_SPARK_APP: join(airflowHome, 'word_count.py'),
      },
    });
    child.on('error', reject);
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
  });
  console.log(`pytest took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  assert.equal(code, 0, 'pytest clients/airflow/tests failed (its output is above)');
});
