// A staging store on a filesystem the NodeManagers can read (local disk in a one-host cluster, or a
// shared mount). One folder per job. Staging is on every submit's path, so the usual case is one
// exclusive create: mkdir, open, write, fstat, close.

import { mkdir, open, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { StagedFile, StagingStore } from './staging-store.ts';

/** Only folders named like a job are ours to delete. */
const JOB_DIR = /^job_[0-9A-Z]{26}$/;

export class FileStagingStore implements StagingStore {
  constructor(private readonly dir: string) {}

  async stage(jobId: string, name: string, content: string): Promise<StagedFile> {
    const folder = join(this.dir, jobId);
    const path = join(folder, name);
    // Owner-only: the launch script carries the job's env values (its secrets, often).
    await mkdir(folder, { recursive: true, mode: 0o700 });
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
 * A failed write leaves nothing behind.
 */
async function createOnce(path: string, content: string): Promise<StagedFile> {
  const file = await open(path, 'wx', 0o600);
  let written = false;
  try {
    await file.writeFile(content);
    const staged = stagedFile(path, await file.stat());
    written = true;
    return staged;
  } finally {
    await file.close();
    if (!written) await unlink(path).catch(() => {});
  }
}

/**
 * The job was staged before (a redelivery): the file there is the one to submit. Only a file cut
 * short by a crash mid-write (a strict prefix of what it should hold) is written again, aside
 * and renamed into place: stage() never returned such a file, so no application refers to it.
 * A file that differs otherwise (the region's settings changed since) stays as it is.
 */
async function stagedEarlier(path: string, content: string): Promise<StagedFile> {
  const existing = await readFile(path, 'utf8');
  if (existing.length < content.length && content.startsWith(existing)) {
    const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temp, content, { mode: 0o600 });
    await rename(temp, path);
  }
  return stagedFile(path, await stat(path));
}

function stagedFile(path: string, s: Stats): StagedFile {
  return { url: pathToFileURL(path).href, size: s.size, timestampMs: Math.floor(s.mtimeMs) };
}
