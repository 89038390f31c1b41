// A staging store on a filesystem the NodeManagers can read (local disk in a one-host cluster, or a
// shared mount). One folder per job.

import { link, mkdir, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { StagedFile, StagingStore } from './staging-store.ts';

export class FileStagingStore implements StagingStore {
  constructor(private readonly dir: string) {}

  async stage(jobId: string, name: string, content: string): Promise<StagedFile> {
    const folder = join(this.dir, jobId);
    const path = join(folder, name);
    await mkdir(folder, { recursive: true });
    // Write aside, then hard-link into place: the final name appears only complete, and never
    // replaces a file already staged (its size and mtime are part of a submitted application).
    const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temp, content, { mode: 0o644 });
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
}
