// A staging store on a filesystem the NodeManagers can read (local disk in a one-host cluster, or a
// shared mount). One folder per job. Staging is on every submit's path, so the usual case is one
// exclusive create: mkdir, open, write, fstat, close, each through fs's callback API (the
// FileHandle promises cost a third more CPU per job; blocking calls would stall the event loop on
// a slow shared mount).

import { close, fstat, mkdir, open, write, type Stats } from 'node:fs';
import { readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { StagedFile, StagingStore } from './staging-store.ts';

const openFile = promisify(open);
const writeFd = promisify(write) as (fd: number, text: string) => Promise<{ bytesWritten: number }>;
const fstatFd = promisify(fstat) as (fd: number) => Promise<Stats>;
const closeFd = promisify(close);
const mkdirOnce = promisify(mkdir);

/** Only folders named like a job are ours to delete. */
const JOB_DIR = /^job_[0-9A-Z]{26}$/;

export class FileStagingStore implements StagingStore {
  constructor(private readonly dir: string) {}

  async stage(jobId: string, name: string, content: string): Promise<StagedFile> {
    const folder = join(this.dir, jobId);
    const path = join(folder, name);
    // Owner-only: the launch script carries the job's env values (its secrets, often).
    await makeFolder(folder);
    try {
      return await createOnce(path, content);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      return stagedEarlier(path, content);
    }
  }

  async remove(jobId: string): Promise<void> {
    if (!JOB_DIR.test(jobId)) throw new Error(`not a job id: ${jobId}`);
    await rm(join(this.dir, jobId), { recursive: true, force: true });
  }

  async list(): Promise<string[]> {
    const entries = await readdir(this.dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [] as string[];
      throw err;
    });
    return entries.filter((name) => JOB_DIR.test(name));
  }
}

/**
 * One exclusive create (O_EXCL): the file is written only if nothing is staged under its name, so
 * a file already staged is never replaced (its size and mtime are part of a submitted application).
 * A failed write removes its file, and only its own (another worker may have staged the job since).
 */
async function createOnce(path: string, content: string): Promise<StagedFile> {
  const fd = await openFile(path, 'wx', 0o600);
  let staged: StagedFile | null = null;
  let own: Stats | null = null;
  try {
    own = await fstatFd(fd);
    const { bytesWritten } = await writeFd(fd, content);
    // One write(2) takes a file this small whole; a short one (a full disk) must not be submitted.
    if (bytesWritten !== Buffer.byteLength(content)) throw new Error(`staging ${path}: wrote ${bytesWritten} of ${Buffer.byteLength(content)} bytes`);
    staged = stagedFile(path, await fstatFd(fd));
    return staged;
  } finally {
    await closeFd(fd);
    if (!staged && own) await unlinkIfSame(path, own);
  }
}

async function unlinkIfSame(path: string, own: Stats): Promise<void> {
  const now = await stat(path).catch(() => null);
  if (now && now.ino === own.ino && now.dev === own.dev) await unlink(path).catch(() => {});
}

/** The job's folder, owner-only; its parent is made too the first time (the usual case: it exists). */
async function makeFolder(folder: string): Promise<void> {
  try {
    await mkdirOnce(folder, { mode: 0o700 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') await mkdirOnce(folder, { recursive: true, mode: 0o700 });
    else if (code !== 'EEXIST') throw err;
  }
}

/**
 * The job was staged before (a redelivery, or another worker staging it right now after a lost
 * queue lock): the file there is the one to submit. A file still shorter than what it should hold
 * (a strict prefix) is either being written this instant or was cut short by a crash: it is given
 * WRITER_GRACE_MS to be completed, and only a prefix older than that is written again, aside and
 * renamed into place (stage() never returned it, so no application refers to it). A file that
 * differs otherwise (the region's settings changed since) stays as it is.
 */
async function stagedEarlier(path: string, content: string): Promise<StagedFile> {
  for (;;) {
    const before = await stat(path);
    const existing = await readFile(path, 'utf8');
    const partial = existing.length < content.length && content.startsWith(existing);
    if (!partial) return stagedFile(path, before);
    if (Date.now() - before.mtimeMs >= WRITER_GRACE_MS) {
      const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
      await writeFile(temp, content, { mode: 0o600 });
      await rename(temp, path);
      return stagedFile(path, await stat(path));
    }
    await sleep(WRITER_POLL_MS);
  }
}

/** A launch script takes one write of a few KB: a writer still at it after this long is gone. */
const WRITER_GRACE_MS = 2000;
const WRITER_POLL_MS = 50;

function stagedFile(path: string, s: Stats): StagedFile {
  return { url: pathToFileURL(path).href, size: s.size, timestampMs: Math.floor(s.mtimeMs) };
}
