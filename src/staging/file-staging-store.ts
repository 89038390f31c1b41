// A staging store on a filesystem the NodeManagers can read (local disk in a one-host cluster, or a
// shared mount). One folder per job.

import { link, mkdir, readdir, rm, stat, unlink, writeFile } from 'node:fs/promises';
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
    // Write aside, then hard-link into place: the final name appears only complete, and never
    // replaces a file already staged (its size and mtime are part of a submitted application).
    const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temp, content, { mode: 0o600 });
    try {
      await link(temp, path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      await unlink(temp);
    }
    const s = await stat(path);
    return { url: pathToFileURL(path).href, size: s.size, timestampMs: Math.floor(s.mtimeMs) };
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
