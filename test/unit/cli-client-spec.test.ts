import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildJobSpec, flagForField, type SpecSources } from '../../src/cli/client/job-spec-input.ts';

function files(map: Record<string, string>, stdin = ''): SpecSources {
  return {
    readText: async (path) => {
      if (path in map) return map[path]!;
      throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    },
    readStdin: async () => stdin,
  };
}

test('a shell job from flags alone', async () => {
  const spec = await buildJobSpec({
    region: 'ra', name: 'n', script: 'echo hi', arg: ['--date', '2026-01-01'], env: ['A=1', 'B=x=y'], label: ['team=search', 'dag:d1', 'url=http://x'],
    memoryMb: '512', vcores: '2', queue: 'q', timeout: '60', requires: ['sts,rm'], rolloutKey: 'k',
  }, files({}));
  assert.deepEqual(spec, {
    kind: 'shell', script: 'echo hi', region: 'ra', name: 'n', queue: 'q', rolloutKey: 'k',
    args: ['--date', '2026-01-01'], requires: ['sts', 'rm'], env: { A: '1', B: 'x=y' },
    labels: { team: 'search', dag: 'd1', url: 'http://x' }, resources: { memoryMb: 512, vcores: 2 }, timeoutSeconds: 60,
  } as never);
});

test('--script-file reads the script; its name is the job name unless --name', async () => {
  const spec = await buildJobSpec({ region: 'ra', scriptFile: '/tmp/nightly-build.sh' }, files({ '/tmp/nightly-build.sh': '#!/bin/bash\necho\n' }));
  assert.equal(spec.script, '#!/bin/bash\necho\n');
  assert.equal(spec.name, 'nightly-build');
  await assert.rejects(buildJobSpec({ region: 'ra', scriptFile: '/nope.sh' }, files({})), /--script-file \/nope\.sh: no such file/);
});

test('a YAML spec file, with flags overriding its fields and adding to its maps', async () => {
  const yaml = 'region: ra\nname: from-file\nkind: shell\nscript: |\n  echo $1\nargs: [a]\nlabels:\n  team: search\n  dag: d1\nresources:\n  memoryMb: 256\n';
  const spec = await buildJobSpec({ file: 'job.yaml', region: 'rb', label: ['dag=d2'], vcores: '2' }, files({ 'job.yaml': yaml }));
  assert.deepEqual(spec, {
    region: 'rb', name: 'from-file', kind: 'shell', script: 'echo $1\n', args: ['a'],
    labels: { team: 'search', dag: 'd2' }, resources: { memoryMb: 256, vcores: 2 },
  });
});

test('a JSON spec file, and stdin with -f -; --jar turns a shell spec into a hadoop-jar one', async () => {
  const json = JSON.stringify({ region: 'ra', name: 'n', kind: 'shell', script: 'x' });
  assert.deepEqual(await buildJobSpec({ file: 'job.json' }, files({ 'job.json': json })), JSON.parse(json));
  assert.deepEqual(await buildJobSpec({ file: '-' }, files({}, json)), JSON.parse(json));
  const jar = await buildJobSpec({ file: 'job.json', jar: '/opt/x.jar', mainClass: 'a.B' }, files({ 'job.json': json }));
  assert.deepEqual(jar, { region: 'ra', name: 'n', kind: 'hadoop-jar', jar: '/opt/x.jar', mainClass: 'a.B' });
});

test('--spark makes a spark job (named after its file), --conf adds to the file\'s conf; another kind\'s fields go', async () => {
  const yaml = 'region: ra\nkind: spark\napplication: /opt/old.py\nconf:\n  spark.a: "1"\n';
  const spec = await buildJobSpec({ file: 'job.yaml', spark: '/opt/jobs/etl.py', conf: ['spark.b=x=y'], arg: ['--day', '1'] }, files({ 'job.yaml': yaml }));
  assert.deepEqual(spec, { region: 'ra', name: 'etl', kind: 'spark', application: '/opt/jobs/etl.py', conf: { 'spark.a': '1', 'spark.b': 'x=y' }, args: ['--day', '1'] });
  const fromJar = await buildJobSpec({ file: 'jar.json', spark: '/opt/jobs/etl.py' }, files({ 'jar.json': JSON.stringify({ region: 'ra', kind: 'hadoop-jar', jar: '/x.jar', childTagsAt: 1 }) }));
  assert.deepEqual(fromJar, { region: 'ra', name: 'etl', kind: 'spark', application: '/opt/jobs/etl.py' });
  const jar = await buildJobSpec({ region: 'ra', spark: '/opt/etl.jar', mainClass: 'com.acme.Etl' }, files({}));
  assert.equal(jar.mainClass, 'com.acme.Etl');
  assert.equal(flagForField(['application']), '--spark');
});

test('what is wrong locally is said before anything is sent, naming the flag', async () => {
  const f = files({ 'bad.yaml': 'region: [', 'list.json': '[1]' });
  await assert.rejects(buildJobSpec({ region: 'ra' }, f), /nothing to run: give --script/);
  await assert.rejects(buildJobSpec({ script: 'x', name: 'n' }, f), /no region: pass --region/);
  await assert.rejects(buildJobSpec({ region: 'ra', script: 'x' }, f), /a job needs a name: pass --name/);
  assert.equal((await buildJobSpec({ region: 'ra', script: 'x', label: ['dag=reports', 'task=daily'] }, f)).name, 'reports.daily', 'a task is named by its labels');
  assert.equal((await buildJobSpec({ region: 'ra', script: 'x', label: ['dag=reports'] }, f)).name, 'reports');
  await assert.rejects(buildJobSpec({ region: 'ra', script: 'x', jar: '/a.jar' }, f), /one of --script, --script-file, --jar and --spark/);
  await assert.rejects(buildJobSpec({ region: 'ra', script: 'x', conf: ['spark.x=1'] }, f), /--conf goes with --spark/);
  await assert.rejects(buildJobSpec({ region: 'ra', spark: '/a.py', conf: ['spark.x'] }, f), /--conf "spark\.x": expected KEY=VALUE/);
  await assert.rejects(buildJobSpec({ region: 'ra', script: 'x', mainClass: 'A' }, f), /--main-class goes with --jar/);
  await assert.rejects(buildJobSpec({ region: 'ra', name: 'n', script: 'x', memoryMb: '1g' }, f), /--memory-mb "1g": expected a whole number/);
  await assert.rejects(buildJobSpec({ region: 'ra', name: 'n', script: 'x', env: ['NOVALUE'] }, f), /--env "NOVALUE": expected KEY=VALUE/);
  await assert.rejects(buildJobSpec({ file: 'bad.yaml' }, f), /the spec file bad\.yaml does not parse/);
  await assert.rejects(buildJobSpec({ file: 'list.json' }, f), /must hold one job spec/);
});

test("the API's field names map back to flags", () => {
  assert.equal(flagForField(['resources', 'memoryMb']), '--memory-mb');
  assert.equal(flagForField(['labels', 'Team']), '--label');
  assert.equal(flagForField(['timeoutSeconds']), '--timeout');
  assert.equal(flagForField(['childTagsAt']), undefined);
});
