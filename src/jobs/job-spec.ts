// The job spec a caller POSTs (ARCHITECTURE.md, HTTP API). `kind` selects the shape; every shape is
// strict, so an unknown field is an error naming it. Region-dependent limits are checked separately
// (checkRegionLimits) because the schema alone can't know the region's maxima.

import { z } from 'zod';

export const MAX_SCRIPT_BYTES = 1024 * 1024;
const NO_NUL = (s: string) => !s.includes('\0');

const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a shell variable name: letters, digits and _, not starting with a digit (no "=")');

const labelKey = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, 'must be 1-63 of a-z 0-9 _ . - starting with a letter or digit');
const labelValue = z.string().max(63).regex(/^[\x21-\x7e]*$/, 'must be printable ASCII without spaces');

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
  mainClass: z.string().regex(/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/, 'must be a Java class name').max(512).optional(),
});

export const jobSpec = z.discriminatedUnion('kind', [shellJobSpec, hadoopJarJobSpec]);

export type JobSpec = z.infer<typeof jobSpec>;
export type ShellJobSpec = z.infer<typeof shellJobSpec>;
export type HadoopJarJobSpec = z.infer<typeof hadoopJarJobSpec>;

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
  return issues;
}
