// The `preflight` block of a region file. Check names are what a job's `requires` lists, so they
// are unique and stable. yarn-rm is always required (nothing can be submitted without an RM);
// another check blocks every job only when `critical`, otherwise only the jobs that require it.

import { z } from 'zod';

const name = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be lowercase letters, digits, _ and -');
const critical = z.boolean().default(false);
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const httpsUrl = z.url({ protocol: /^https$/, error: 'must be an https URL' });
const host = z.string().regex(/^[A-Za-z0-9_.:-]+$/, 'must be a host name or an IP').min(1);

export const yarnRmCheck = z.strictObject({ name, type: z.literal('yarn-rm') });

export const stsCheck = z.strictObject({
  name,
  type: z.literal('sts'),
  /** e.g. https://sts.us-east-1.amazonaws.com (or a VPC endpoint). */
  endpoint: httpUrl,
  /** Signing region; default us-east-1. */
  region: z.string().regex(/^[a-z0-9-]+$/, 'must be an AWS region').optional(),
  expectAccount: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id').optional(),
  critical,
});

export const tcpCheck = z.strictObject({
  name,
  type: z.literal('tcp'),
  host,
  port: z.int().min(1).max(65535),
  critical,
});

export const httpsCheck = z.strictObject({
  name,
  type: z.literal('https'),
  url: httpsUrl,
  /** Without it, any status below 400 passes. */
  expectStatus: z.int().min(100).max(599).optional(),
  critical,
});

export const checkDefinition = z.discriminatedUnion('type', [yarnRmCheck, stsCheck, tcpCheck, httpsCheck]);

export const preflightConfig = z.strictObject({
  intervalSeconds: z.int().min(1).default(30),
  /** How long a job waits in PREFLIGHT for a failing required check before it fails. */
  deadlineSeconds: z.int().min(0).default(300),
  checks: z.array(checkDefinition).max(32).default([]),
}).superRefine((p, ctx) => {
  const seen = new Set<string>();
  p.checks.forEach((c, i) => {
    if (seen.has(c.name)) ctx.addIssue({ code: 'custom', path: ['checks', i, 'name'], message: `"${c.name}" is used by another check` });
    seen.add(c.name);
  });
});

export type YarnRmCheck = z.output<typeof yarnRmCheck>;
export type StsCheck = z.output<typeof stsCheck>;
export type TcpCheck = z.output<typeof tcpCheck>;
export type HttpsCheck = z.output<typeof httpsCheck>;
export type CheckDefinition = z.output<typeof checkDefinition>;
export type PreflightConfig = z.output<typeof preflightConfig>;

/** Does this check have to pass before a job that requires `jobRequires` may start? */
export function isRequired(check: CheckDefinition, jobRequires: readonly string[] = []): boolean {
  return check.type === 'yarn-rm' || check.critical || jobRequires.includes(check.name);
}
