import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { FileStagingStore } from '../../src/staging/index.ts';

const root = mkdtempSync(join(tmpdir(), 'sluice-staging-'));
after(() => rmSync(root, { recursive: true, force: true }));
const JOB = 'job_01JTESTSTAGING000000000000';

test('stages a file owner-only in an owner-only folder, with the size and mtime YARN checks', async () => {
  const store = new FileStagingStore(join(root, 'a'));
  const staged = await store.stage(JOB, 'launch.sh', 'echo hi\n');
  const path = fileURLToPath(staged.url);
  assert.equal(readFileSync(path, 'utf8'), 'echo hi\n');
  const s = statSync(path);
  assert.equal(s.mode & 0o777, 0o600);
  assert.equal(statSync(join(root, 'a', JOB)).mode & 0o777, 0o700);
  assert.deepEqual({ size: staged.size, timestampMs: staged.timestampMs }, { size: s.size, timestampMs: Math.floor(s.mtimeMs) });
  assert.deepEqual(readdirSync(join(root, 'a', JOB)), ['launch.sh'], 'nothing else is left in the folder');
});

test('staging again returns the file already there, untouched (a submitted app refers to its size and mtime)', async () => {
  const store = new FileStagingStore(join(root, 'b'));
  const first = await store.stage(JOB, 'launch.sh', 'echo one\n');
  const path = fileURLToPath(first.url);
  utimesSync(path, new Date(1_000_000), new Date(1_000_000));
  // The region's settings changed between two attempts: the content differs, the file stays.
  const again = await store.stage(JOB, 'launch.sh', 'echo two, longer\n');
  assert.equal(readFileSync(path, 'utf8'), 'echo one\n');
  assert.equal(again.timestampMs, 1_000_000);
  assert.equal(again.size, first.size);
});

test('a file cut short by a crash mid-write is completed, never submitted half', async () => {
  const store = new FileStagingStore(join(root, 'c'));
  mkdirSync(join(root, 'c', JOB), { recursive: true });
  writeFileSync(join(root, 'c', JOB, 'launch.sh'), 'echo hal');
  // Cut short a while ago: nobody is still writing it.
  utimesSync(join(root, 'c', JOB, 'launch.sh'), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  const staged = await store.stage(JOB, 'launch.sh', 'echo half and the rest\n');
  assert.equal(readFileSync(fileURLToPath(staged.url), 'utf8'), 'echo half and the rest\n');
  assert.equal(staged.size, 'echo half and the rest\n'.length);
  assert.deepEqual(readdirSync(join(root, 'c', JOB)), ['launch.sh']);
});

test('a file another worker is writing this instant is waited for, not replaced', async () => {
  const store = new FileStagingStore(join(root, 'e'));
  mkdirSync(join(root, 'e', JOB), { recursive: true });
  const path = join(root, 'e', JOB, 'launch.sh');
  writeFileSync(path, ''); // the other worker's exclusive create, its write still to come
  const { ino } = statSync(path);
  setTimeout(() => appendFileSync(path, 'echo whole\n'), 200);
  const staged = await store.stage(JOB, 'launch.sh', 'echo whole\n');
  assert.equal(statSync(path).ino, ino, 'the same file: not replaced under the other worker');
  assert.equal(staged.size, 'echo whole\n'.length);
});

test('remove deletes the job folder; list names only job folders', async () => {
  const store = new FileStagingStore(join(root, 'd'));
  await store.stage(JOB, 'launch.sh', 'x');
  mkdirSync(join(root, 'd', 'not-a-job'));
  assert.deepEqual(await store.list(), [JOB]);
  await store.remove(JOB);
  assert.deepEqual(await store.list(), []);
  await assert.rejects(store.remove('../etc'), /not a job id/);
});
