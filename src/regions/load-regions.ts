// Reads every regions/*.json at start. A bad file stops the process with a message naming the
// file, the field and the problem (RegionFileError), never a half-loaded set of regions.

import { readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { regionFile, type Region } from './region-schema.ts';

export class RegionFileError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(`invalid region file ${file}:\n  ${problems.join('\n  ')}`);
    this.name = 'RegionFileError';
  }
}

export function loadRegions(dir: string): Map<string, Region> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  const regions = new Map<string, Region>();
  for (const f of files) {
    const region = loadRegionFile(join(dir, f));
    if (regions.has(region.name)) throw new RegionFileError(join(dir, f), [`name: "${region.name}" is already used by ${regions.get(region.name)!.file}`]);
    regions.set(region.name, region);
  }
  if (regions.size === 0) throw new RegionFileError(dir, ['no regions/*.json files found']);
  return regions;
}

export function loadRegionFile(file: string): Region {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new RegionFileError(file, [`not readable JSON: ${(err as Error).message}`]);
  }
  const parsed = regionFile.safeParse(raw);
  if (!parsed.success) {
    throw new RegionFileError(file, parsed.error.issues.map((i) => {
      // A bad record key (a Spark conf key): zod says only "Invalid key in record"; say what is wrong.
      const what = i.code === 'unrecognized_keys' ? `unknown field(s) ${i.keys.join(', ')}`
        : i.code === 'invalid_key' ? i.issues.map((k) => k.message).join('; ') : i.message;
      return `${i.path.join('.') || '(top level)'}: ${what}`;
    }));
  }
  const r = parsed.data;
  if (basename(file, '.json') !== r.name) {
    throw new RegionFileError(file, [`name: "${r.name}" must match the file name "${basename(file, '.json')}"`]);
  }
  const base = dirname(resolve(file));
  // Every region checks its ResourceManager before taking work, declared or not.
  const checks = r.preflight.checks.some((c) => c.type === 'yarn-rm')
    ? r.preflight.checks
    : [{ name: 'yarn-rm', type: 'yarn-rm' as const }, ...r.preflight.checks];
  return Object.freeze({
    ...r,
    file,
    yarn: { ...r.yarn, distributedShellJarPath: resolvePath(base, r.yarn.distributedShellJar) },
    staging: { ...r.staging, dirPath: resolvePath(base, r.staging.dir) },
    network: { ...r.network, ...(r.network.caFile ? { caFile: resolvePath(base, r.network.caFile) } : {}) },
    preflight: { ...r.preflight, checks },
  });
}

/** Paths in region files are relative to the file, or file:// URLs. */
function resolvePath(base: string, p: string): string {
  if (p.startsWith('file:')) return fileURLToPath(p);
  return isAbsolute(p) ? p : resolve(base, p);
}
