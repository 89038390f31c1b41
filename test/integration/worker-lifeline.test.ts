// A region worker started with --stop-on-stdin-end (by sluice dev, the test stack, the chaos run)
// stops by itself when whatever started it dies, even by SIGKILL: a killed test run leaves no
// worker behind.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO } from '../support/stack.ts';
import { waitFor } from '../support/wait-for.ts';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test("the test stack's workers stop when the process that started them is SIGKILLed", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-lifeline-'));
  const script = join(dir, 'start-stack.mts');
  writeFileSync(script, `
    import { Stack } from ${JSON.stringify(join(REPO, 'test/support/stack.ts'))};
    const stack = await Stack.start({ regions: ['ra'] });
    console.log('worker pid ' + stack.workers.get('ra').child.pid);
  `);
  const parent = spawn(process.execPath, ['--import', 'tsx', script], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  parent.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  try {
    const pid = Number((await waitFor(() => /worker pid (\d+)/.exec(out), { what: 'the stack started', timeoutMs: 40_000 }))[1]);
    assert.ok(alive(pid));
    parent.kill('SIGKILL');
    await waitFor(() => !alive(pid), { what: `worker ${pid} gone after its parent's SIGKILL`, timeoutMs: 15_000 });
  } finally {
    parent.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
