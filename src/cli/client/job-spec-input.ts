// `sluice submit`'s job spec: a JSON or YAML file (`-f`), flags, or both (a flag overrides the
// file's field; --env and --label add to the file's maps). Only the shape is built here: the API
// validates, and its 400 names the field, which `flagForField` turns back into the flag to fix.

import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { CliError } from './cli-error.ts';

export interface SpecFlags {
  file?: string;
  region?: string;
  name?: string;
  script?: string;
  scriptFile?: string;
  jar?: string;
  spark?: string;
  conf?: string[];
  mainClass?: string;
  arg?: string[];
  env?: string[];
  label?: string[];
  memoryMb?: string;
  vcores?: string;
  queue?: string;
  timeout?: string;
  requires?: string[];
  rolloutKey?: string;
}

export interface SpecSources {
  readText(path: string): Promise<string>;
  /** The spec file `-` reads standard input. */
  readStdin(): Promise<string>;
}

const defaultSources: SpecSources = {
  readText: (path) => readFile(path, 'utf8'),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

type Spec = Record<string, unknown>;

export async function buildJobSpec(flags: SpecFlags, sources: SpecSources = defaultSources): Promise<Spec> {
  const spec: Spec = flags.file ? await readSpecFile(flags.file, sources) : {};

  if ([flags.script, flags.scriptFile, flags.jar, flags.spark].filter((v) => v !== undefined).length > 1) {
    throw new CliError('give one of --script, --script-file, --jar and --spark: a job runs a shell script, a jar or a Spark application');
  }
  // A flag that picks the kind drops the file's fields of the other kinds (they would be a 400).
  const becomes = (kind: keyof typeof KIND_FIELDS) => {
    for (const field of Object.values(KIND_FIELDS).flat()) if (!KIND_FIELDS[kind].includes(field)) delete spec[field];
  };
  if (flags.script !== undefined || flags.scriptFile !== undefined) {
    const script = flags.scriptFile !== undefined ? await readLocal(flags.scriptFile, '--script-file', sources) : flags.script!;
    becomes('shell');
    Object.assign(spec, { kind: 'shell', script });
  }
  if (flags.jar !== undefined) {
    becomes('hadoop-jar');
    Object.assign(spec, { kind: 'hadoop-jar', jar: flags.jar });
  }
  if (flags.spark !== undefined) {
    becomes('spark');
    Object.assign(spec, { kind: 'spark', application: flags.spark });
  }
  if (flags.mainClass !== undefined) {
    if (spec.kind !== 'hadoop-jar' && spec.kind !== 'spark') throw new CliError('--main-class goes with --jar or --spark (or a hadoop-jar or spark spec file)');
    spec.mainClass = flags.mainClass;
  }
  if (flags.conf?.length) {
    if (spec.kind !== 'spark') throw new CliError('--conf goes with --spark (or a spark spec file): it is Spark conf');
    spec.conf = { ...asMap(spec.conf, 'conf'), ...pairs(flags.conf, '--conf', ['=']) };
  }
  if (spec.kind === undefined) {
    throw new CliError('nothing to run: give --script <text>, --script-file <path>, --jar <path>, --spark <application>, or a spec file with -f');
  }

  if (flags.region !== undefined) spec.region = flags.region;
  if (flags.name !== undefined) spec.name = flags.name;
  spec.name ??= defaultName(flags);
  if (flags.queue !== undefined) spec.queue = flags.queue;
  if (flags.rolloutKey !== undefined) spec.rolloutKey = flags.rolloutKey;
  if (flags.arg?.length) spec.args = [...flags.arg];
  if (flags.requires?.length) spec.requires = flags.requires.flatMap((r) => r.split(',')).map((r) => r.trim()).filter(Boolean);
  if (flags.env?.length) spec.env = { ...asMap(spec.env, 'env'), ...pairs(flags.env, '--env', ['=']) };
  if (flags.label?.length) spec.labels = { ...asMap(spec.labels, 'labels'), ...pairs(flags.label, '--label', ['=', ':']) };
  if (flags.memoryMb !== undefined || flags.vcores !== undefined) {
    const resources = { ...asMap(spec.resources, 'resources') };
    if (flags.memoryMb !== undefined) resources.memoryMb = int(flags.memoryMb, '--memory-mb');
    if (flags.vcores !== undefined) resources.vcores = int(flags.vcores, '--vcores');
    spec.resources = resources;
  }
  if (flags.timeout !== undefined) spec.timeoutSeconds = int(flags.timeout, '--timeout');

  if (spec.region === undefined) throw new CliError('no region: pass --region <name> (`sluice regions` lists them) or set "region" in the spec file');
  // A scheduler's task already has a name: <dag>.<task> (or the DAG), from the labels.
  spec.name ??= nameFromLabels(spec.labels);
  if (spec.name === undefined) throw new CliError('a job needs a name: pass --name <name>, set "name" in the spec file, or label it --label dag=… --label task=…');
  return spec;
}

/** The flag that sets a spec field the API named in a 400 (`resources.memoryMb` → `--memory-mb`). */
export function flagForField(path: readonly (string | number)[]): string | undefined {
  const [first, second] = path;
  if (first === 'resources') return second === 'vcores' ? '--vcores' : second === 'memoryMb' ? '--memory-mb' : undefined;
  return FIELD_FLAGS[String(first)];
}

/** The fields only some kinds have. */
const KIND_FIELDS: Record<'shell' | 'hadoop-jar' | 'spark', readonly string[]> = {
  shell: ['script'],
  'hadoop-jar': ['jar', 'mainClass', 'childTagsAt'],
  spark: ['application', 'mainClass', 'conf', 'pyFiles', 'jars', 'driver', 'executors'],
};

const FIELD_FLAGS: Record<string, string> = {
  region: '--region', name: '--name', script: '--script or --script-file', jar: '--jar', mainClass: '--main-class',
  application: '--spark', conf: '--conf',
  args: '--arg', env: '--env', labels: '--label', queue: '--queue', timeoutSeconds: '--timeout',
  requires: '--requires', rolloutKey: '--rollout-key',
};

async function readSpecFile(path: string, sources: SpecSources): Promise<Spec> {
  const text = path === '-' ? await sources.readStdin() : await readLocal(path, '-f', sources);
  const where = path === '-' ? 'the spec on standard input' : `the spec file ${path}`;
  let value: unknown;
  try {
    if (extname(path).toLowerCase() === '.json') {
      value = JSON.parse(text);
    } else {
      // YAML is a superset of JSON: .yaml, .yml and standard input take either.
      const { parse } = await import('yaml');
      value = parse(text);
    }
  } catch (err) {
    throw new CliError(`${where} does not parse: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliError(`${where} must hold one job spec (an object with region, name, kind, ...)`);
  }
  return { ...(value as Spec) };
}

async function readLocal(path: string, flag: string, sources: SpecSources): Promise<string> {
  try {
    return await sources.readText(path);
  } catch (err) {
    throw new CliError(`${flag} ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
}

function defaultName(flags: SpecFlags): string | undefined {
  const from = flags.scriptFile ?? flags.jar ?? flags.spark;
  if (!from) return undefined;
  return basename(from, extname(from)) || undefined;
}

function nameFromLabels(labels: unknown): string | undefined {
  const { dag, task } = (labels ?? {}) as Record<string, unknown>;
  if (typeof dag !== 'string') return undefined;
  return typeof task === 'string' ? `${dag}.${task}` : dag;
}

function asMap(value: unknown, field: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new CliError(`the spec file's "${field}" must be an object`);
}

/** KEY=VALUE pairs (labels also key:value); the value may hold the separator again. */
function pairs(values: string[], flag: string, separators: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const cut = Math.min(...separators.map((s) => v.indexOf(s)).filter((i) => i >= 0));
    if (!Number.isFinite(cut) || cut === 0) throw new CliError(`${flag} ${JSON.stringify(v)}: expected ${separators.map((s) => `KEY${s}VALUE`).join(' or ')}`);
    out[v.slice(0, cut)] = v.slice(cut + 1);
  }
  return out;
}

function int(value: string, flag: string): number {
  if (!/^\d+$/.test(value.trim())) throw new CliError(`${flag} ${JSON.stringify(value)}: expected a whole number`);
  return Number(value.trim());
}
