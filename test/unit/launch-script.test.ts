import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { JOB_SCRIPT, renderLaunchScript } from '../../src/staging/index.ts';

function run(script: string, args: string[], env: Record<string, string>, argv = [JOB_SCRIPT, ...args]) {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-launch-'));
  try {
    writeFileSync(join(dir, 'launch.sh'), renderLaunchScript({ jobId: 'job_TEST', script: argv[0] === JOB_SCRIPT ? script : undefined, argv, env }));
    return spawnSync('bash', ['launch.sh'], { cwd: dir, encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('args reach the script as positional parameters, byte for byte', () => {
  const hostile = ['a b', '$(touch /tmp/pwned)', "'; exit 9; '", '`id`', 'line1\nline2', '', '*'];
  const r = run('for a in "$@"; do printf "<%s>\\n" "$a"; done', hostile, {});
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, hostile.map((a) => `<${a}>\n`).join(''));
});

test('env reaches the script as its environment, values unparsed', () => {
  const r = run('printf "%s|%s" "$TARGET" "$TRICKY"', [], { TARGET: 'prod', TRICKY: '$HOME "q" `x`\n' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'prod|$HOME "q" `x`\n');
});

test("the script's exit code is the container's", () => {
  assert.equal(run('exit 3', [], {}).status, 3);
});

test('a shebang picks the interpreter', () => {
  const r = run('#!/usr/bin/env python3\nimport sys\nprint("py", len(sys.argv) - 1)\n', ['x'], {});
  assert.equal(r.stdout, 'py 1\n');
});

test('a job id that is not a plain token is refused', () => {
  assert.throws(() => renderLaunchScript({ jobId: 'job_$(x)', script: 'true', argv: [JOB_SCRIPT], env: {} }), /not safe/);
});

test('a command (hadoop-jar) is exec-ed with its argv as given, no script written', () => {
  const r = run('', [], { X: '1' }, ['/usr/bin/printf', '%s|', 'jar with space.jar', '$(x)']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'jar with space.jar|$(x)|');
});

// Why src/jobs/job-spec.ts refuses some env names: through this launch script they act on the bash
// that starts the job's script, before its first line (or on the launch script itself).
test('what the env deny-list guards against: bash acts on these names before the job runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bashenv-'));
  try {
    writeFileSync(join(dir, 'rc'), 'echo "sourced before the job"\n');
    const job = '#!/usr/bin/env bash\necho "job: posix=$(shopt -qo posix && echo on || echo off) ifs=$(printf %q "$IFS")"\n';
    assert.equal(run(job, [], { BASH_ENV: join(dir, 'rc') }).stdout, "sourced before the job\njob: posix=off ifs=$' \\t\\n'\n");
    assert.match(run(job, [], { POSIXLY_CORRECT: '1' }).stdout, /posix=on/);
    assert.match(run(job, [], { IFS: ':' }).stdout, /ifs=\$' \\t\\n'$/m, 'IFS never arrives as sent');
    const readOnly = run(job, [], { SHELLOPTS: 'xtrace' });
    assert.notEqual(readOnly.status, 0);
    assert.match(readOnly.stderr, /SHELLOPTS: readonly variable/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
