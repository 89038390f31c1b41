// The job spec a caller POSTs (ARCHITECTURE.md, HTTP API). `kind` selects the shape; every shape is
// strict, so an unknown field is an error naming it. Region-dependent limits are checked separately
// (checkRegionLimits) because the schema alone can't know the region's maxima.

import { z } from 'zod';
import { CLUSTER_ENV_NAMES, SPARK_CONF_FIELDS, sparkConf } from './spark-conf.ts';

export const MAX_SCRIPT_BYTES = 1024 * 1024;
const NO_NUL = (s: string) => !s.includes('\0');

/**
 * Env names a job may not set, each with the reason. The launch script exports the job's env and
 * execs the job's program, so these variables are in the environment of the bash that starts the
 * job's script (`#!/usr/bin/env bash`) or the region's `hadoop` launcher (itself a bash script the
 * caller did not write). Denied: what bash acts on before the script's first line — code it runs,
 * options or modes it turns on — and what bash itself refuses to inherit when it cannot trust its
 * environment (privileged mode: ENV, BASH_ENV, SHELLOPTS, BASHOPTS, CDPATH, GLOBIGNORE, functions;
 * as root: PS4); plus what bash replaces at startup, so the value sent could never reach the job
 * (IFS), and bash's read-only variables, whose `export` in the launch script fails under `set -e`
 * and kills the job before it starts. (Checked against bash 5.2 and dash 0.5.)
 *
 * Allowed, and why: PROMPT_COMMAND, PS1, PS2, HISTFILE, HISTCONTROL, MAILPATH act only in
 * interactive shells, and a job's bash is never interactive (no -i, stdin is not a terminal).
 * PATH, EXECIGNORE, TMOUT, LANG and the like are the job's own choice of how its commands resolve
 * and behave, which the script can reset on its first line. PWD, SHLVL and _ are maintained by
 * bash (the container's directory, one more level, the last command) whatever the job sends.
 * (Variables read by programs other than the shell — LD_PRELOAD, JAVA_TOOL_OPTIONS, HADOOP_OPTS —
 * are not bash's startup and not refused here.)
 */
export const DENIED_ENV_NAMES: Readonly<Record<string, string>> = Object.freeze({
  BASH_ENV: 'a non-interactive bash sources the file it names before the script runs (after expanding the value, so a $(...) in it runs too)',
  ENV: 'sh, and bash in POSIX mode, source the file it names when they start interactively',
  SHELLOPTS: 'bash turns on every `set -o` option it lists (xtrace, noexec, posix, ...) before the script runs; it is read-only in bash, so the launch script cannot export it',
  BASHOPTS: 'bash turns on every `shopt` option it lists (nullglob, extdebug, ...) before the script runs; it is read-only in bash, so the launch script cannot export it',
  PS4: 'bash expands it before every traced command, command substitutions included, so with xtrace on it runs code',
  BASH_XTRACEFD: 'bash writes its trace into whatever file descriptor it names',
  POSIXLY_CORRECT: 'bash starts in POSIX mode, which changes how the script is parsed and run',
  BASH_COMPAT: 'bash emulates an older version (e.g. 31: compat31) for the whole script',
  CDPATH: 'every relative `cd` of the script, and of bash scripts it runs such as hadoop, can land elsewhere',
  IFS: 'bash and dash reset it to space, tab, newline at startup (and export that), so the value sent would never reach the job',
  GLOBIGNORE: 'changes what pathname expansion matches in the script; bash ignores it from an untrusted environment',
  UID: 'read-only in bash: the launch script cannot export it, so the job would die before it starts',
  EUID: 'read-only in bash: the launch script cannot export it, so the job would die before it starts',
  PPID: 'read-only in bash: the launch script cannot export it, so the job would die before it starts',
  BASH_VERSINFO: 'read-only in bash: the launch script cannot export it, so the job would die before it starts',
});

/**
 * Exported functions (`BASH_FUNC_name%%=() { ...; }`) are defined before the script runs and can
 * replace any command. The name rule below already rejects their `%`; the prefix is refused in every
 * spelling (older patched bashes used `BASH_FUNC_name()`), so no bash on a node can import one.
 */
const DENIED_ENV_PREFIX = 'BASH_FUNC_';

/** Why a job may not set `name`, or null when it may. */
export function deniedEnvReason(name: string): string | null {
  if (Object.hasOwn(DENIED_ENV_NAMES, name)) return DENIED_ENV_NAMES[name] as string;
  if (name.startsWith(DENIED_ENV_PREFIX)) return 'bash imports BASH_FUNC_* variables as functions that can replace any command';
  return null;
}

// `export "$kv"` in the launch script needs NAME=value with NAME a shell identifier: anything else
// (an "=" in the name, a leading digit, a "%") would be an error there, so it is a 400 here.
const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a shell variable name: letters, digits and _, not starting with a digit (no "=")')
  .superRefine((name, ctx) => {
    const reason = deniedEnvReason(name);
    if (reason) ctx.addIssue({ code: 'custom', message: `${name} may not be set: ${reason}` });
  });

/** Kinds whose program submits to YARN itself may not point it at another cluster or user. */
function refuseClusterEnv(kind: string, env: Record<string, string>, ctx: z.RefinementCtx): void {
  for (const name of Object.keys(env)) {
    const reason = Object.hasOwn(CLUSTER_ENV_NAMES, name) ? CLUSTER_ENV_NAMES[name] : null;
    if (reason) ctx.addIssue({ code: 'custom', path: ['env', name], message: `${name} may not be set for a ${kind} job: ${reason}` });
  }
}

const javaClassName = z.string().regex(/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/, 'must be a Java class name').max(512);

const labelKey = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, 'must be 1-63 of a-z 0-9 _ . - starting with a letter or digit');
/** A label's value; the rollout's allow-lists and the decision query take the same (non-empty) values. */
export const labelValue = z.string().max(63).regex(/^[\x21-\x7e]*$/, 'must be printable ASCII without spaces');

const resources = z.strictObject({
  memoryMb: z.int().min(64).optional(),
  vcores: z.int().min(1).optional(),
});

const common = {
  region: z.string().min(1),
  name: z.string().regex(/^[\x20-\x7e]{1,200}$/, 'must be 1-200 printable ASCII characters'),
  args: z.array(z.string().max(8192).refine(NO_NUL, 'must not contain NUL')).max(256).default([]),
  env: z.record(envName, z.string().max(32768).refine(NO_NUL, 'must not contain NUL'))
    .refine((e) => Object.keys(e).length <= 128, 'at most 128 variables').default({}),
  resources: resources.default({}),
  queue: z.string().min(1).max(255).regex(/^[A-Za-z0-9_.-]+$/, 'must be a YARN queue name').optional(),
  timeoutSeconds: z.int().min(1).optional(),
  requires: z.array(z.string().min(1)).max(32).default([]),
  /** How long the job may wait in PREFLIGHT for a failing required check (default: the region's). */
  preflightDeadlineSeconds: z.int().min(0).max(7 * 24 * 3600).optional(),
  labels: z.record(labelKey, labelValue).refine((l) => Object.keys(l).length <= 16, 'at most 16 labels').default({}),
  /**
   * What a canary's percentage hashes to put the job on one side, always the same one (default:
   * `<labels.dag>/<labels.task>`): e.g. a job that has no DAG, or several tasks that must move together.
   */
  rolloutKey: z.string().min(1).max(200).regex(/^[\x20-\x7e]+$/, 'must be printable ASCII').optional(),
};

export const shellJobSpec = z.strictObject({
  ...common,
  kind: z.literal('shell'),
  script: z.string().min(1).refine(NO_NUL, 'must not contain NUL')
    .refine((s) => Buffer.byteLength(s) <= MAX_SCRIPT_BYTES, `must be at most ${MAX_SCRIPT_BYTES} bytes`),
});

/** `hadoop jar <jar> [mainClass] args…` inside a Distributed Shell container. */
export const hadoopJarJobSpec = z.strictObject({
  ...common,
  kind: z.literal('hadoop-jar'),
  jar: z.string().regex(/^\/[^\0]*\.jar$/, 'must be an absolute path of a .jar on the cluster nodes').max(1024),
  mainClass: javaClassName.optional(),
  /**
   * Where in `args` Sluice puts `-Dmapreduce.job.tags=…`, the generic option that tags the MapReduce
   * applications the job starts (so cancel, timeout and reconciliation find and kill them): 0 (the
   * default) for a Tool main class, 1 for a driver jar whose first argument names the program
   * (hadoop-mapreduce-examples: `pi …`), null for a program that takes no generic options.
   */
  childTagsAt: z.int().min(0).max(1000).nullable().default(0),
}).superRefine((spec, ctx) => refuseClusterEnv(spec.kind, spec.env, ctx));

/**
 * A file spark-submit takes: an absolute path on the cluster's nodes, or a URI the cluster can read
 * (hdfs://, s3a://, local:, ...). No comma: spark-submit joins --py-files and --jars with commas.
 */
const sparkFile = (what: string, ext: RegExp) => z.string().max(1024)
  .regex(/^(\/|[a-z][a-z0-9+.-]*:)[^\0\s,]*$/, 'must be an absolute path on the cluster nodes or a URI (hdfs://, s3a://, local:, ...), without spaces or commas')
  .regex(ext, `must name ${what}`);

/** `spark-submit --master yarn --deploy-mode cluster …` inside a Distributed Shell container. */
export const sparkJobSpec = z.strictObject({
  ...common,
  kind: z.literal('spark'),
  application: sparkFile('a .py or .jar file', /\.(py|jar)$/),
  mainClass: javaClassName.optional(),
  conf: sparkConf.default({}),
  pyFiles: z.array(sparkFile('a .py, .zip or .egg file', /\.(py|zip|egg)$/)).max(64).default([]),
  jars: z.array(sparkFile('a .jar file', /\.jar$/)).max(64).default([]),
  driver: z.strictObject({ memoryMb: z.int().min(384).optional(), vcores: z.int().min(1).optional() }).default({}),
  executors: z.strictObject({
    count: z.int().min(1).max(1000).optional(),
    memoryMb: z.int().min(384).optional(),
    vcores: z.int().min(1).optional(),
  }).default({}),
}).superRefine((spec, ctx) => {
  refuseClusterEnv(spec.kind, spec.env, ctx);
  if (spec.mainClass && spec.application.endsWith('.py')) {
    ctx.addIssue({ code: 'custom', path: ['mainClass'], message: 'applies only to a .jar application (a .py application is its own main)' });
  }
  // The sizes have fields: those are what the region's limits hold a job to (its region's default
  // conf may still set them).
  for (const [key, field] of Object.entries(SPARK_CONF_FIELDS)) {
    if (key in spec.conf) ctx.addIssue({ code: 'custom', path: ['conf', key], message: `set ${field} instead: the region's limits apply to it` });
  }
});

export const jobSpec = z.discriminatedUnion('kind', [shellJobSpec, hadoopJarJobSpec, sparkJobSpec]);

export type JobSpec = z.infer<typeof jobSpec>;
export type ShellJobSpec = z.infer<typeof shellJobSpec>;
export type HadoopJarJobSpec = z.infer<typeof hadoopJarJobSpec>;
export type SparkJobSpec = z.infer<typeof sparkJobSpec>;

export interface SpecIssue {
  path: (string | number)[];
  message: string;
}

export type ParsedSpec = { ok: true; spec: JobSpec } | { ok: false; issues: SpecIssue[] };

export function parseJobSpec(body: unknown): ParsedSpec {
  const result = jobSpec.safeParse(body);
  if (result.success) return { ok: true, spec: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: issueMessage(i) })),
  };
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field(s): ${issue.keys.join(', ')}`;
  // A bad record key (an env name): zod's own text is "Invalid key in record"; say what is wrong.
  if (issue.code === 'invalid_key') return issue.issues.map((i) => i.message).join('; ');
  return issue.message;
}

export interface RegionLimits {
  memoryMb: number;
  vcores: number;
  timeoutSeconds: number;
}

/** Checks the spec against its region's maxima; returns one issue per field over the limit. */
export function checkRegionLimits(spec: JobSpec, limits: RegionLimits): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const over = (path: (string | number)[], value: number | undefined, max: number) => {
    if (value !== undefined && value > max) issues.push({ path, message: `${value} is above the region's limit of ${max}` });
  };
  over(['resources', 'memoryMb'], spec.resources.memoryMb, limits.memoryMb);
  over(['resources', 'vcores'], spec.resources.vcores, limits.vcores);
  over(['timeoutSeconds'], spec.timeoutSeconds, limits.timeoutSeconds);
  if (spec.kind === 'spark') {
    // Each Spark container (the driver's, each executor's) is a container of the region's YARN.
    over(['driver', 'memoryMb'], spec.driver.memoryMb, limits.memoryMb);
    over(['driver', 'vcores'], spec.driver.vcores, limits.vcores);
    over(['executors', 'memoryMb'], spec.executors.memoryMb, limits.memoryMb);
    over(['executors', 'vcores'], spec.executors.vcores, limits.vcores);
  }
  return issues;
}
