// The bench's region files r1…rN, in a folder of the run's own, made from the shipped example
// (regions/local-a.json): its worker settings (concurrency, tracker interval) are what ships, unless
// a configuration asks for another concurrency. Rewritten before each configuration's workers start.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const REPO = resolve(import.meta.dirname, '..');
const EXAMPLE = join(REPO, 'regions/local-a.json');
/** The API reads the region files too but never calls an RM: any URL will do until workers start. */
const NO_RM = 'http://127.0.0.1:9';

export const regionName = (i: number): string => `r${i + 1}`;

export interface ShippedWorker {
  concurrency: number;
  trackerIntervalMs: number;
}

/** The shipped worker settings: the example region's, else the schema's defaults. */
export function shippedWorker(): ShippedWorker {
  const example = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as { worker?: Partial<ShippedWorker> };
  return { concurrency: example.worker?.concurrency ?? 8, trackerIntervalMs: example.worker?.trackerIntervalMs ?? 2000 };
}

export function writeRegions(dir: string, runDir: string, count: number, rmUrls: ReadonlyMap<string, string> = new Map(), concurrency?: number): void {
  mkdirSync(dir, { recursive: true });
  const example = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, any>;
  const worker = { ...shippedWorker(), ...(concurrency === undefined ? {} : { concurrency }) };
  for (let i = 0; i < count; i++) {
    const name = regionName(i);
    const file = {
      name,
      yarn: {
        ...example.yarn,
        resourceManagers: [rmUrls.get(name) ?? NO_RM],
        distributedShellJar: join(REPO, 'test/support/emulator-appmaster.jar'),
      },
      staging: { type: 'file', dir: join(runDir, 'staging', name) },
      network: example.network,
      worker,
      rollout: { mode: 'on' },
    };
    writeFileSync(join(dir, `${name}.json`), JSON.stringify(file, null, 2));
  }
}
