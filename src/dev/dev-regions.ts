// The example regions pointed at the local real YARN, in a folder of their own (regions/ is untouched).

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalYarn } from '../local-yarn/index.ts';
import type { Region } from '../regions/index.ts';

export function writeRegionsFor(yarn: LocalYarn, examples: Map<string, Region>, dir: string): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const region of examples.values()) {
    const raw = JSON.parse(readFileSync(region.file, 'utf8'));
    raw.yarn = {
      ...raw.yarn, resourceManagers: [yarn.rmUrl], distributedShellJar: yarn.distributedShellJar,
      amClasspath: yarn.amClasspath, hadoopJarCommand: yarn.hadoopJarCommand,
    };
    raw.staging = { ...raw.staging, dir: region.staging.dirPath };
    writeFileSync(join(dir, `${region.name}.json`), JSON.stringify(raw, null, 2));
  }
  return dir;
}
