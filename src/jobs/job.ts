// The job record as the API returns it (ARCHITECTURE.md, HTTP API: "Job (response)").

import { z } from 'zod';
import { JOB_STATES, KILL_REASONS } from './job-state.ts';

export const applicationView = z.object({
  id: z.string(),
  state: z.string().nullable(),
  finalStatus: z.string().nullable(),
  trackingUrl: z.string().nullable(),
  diagnostics: z.string().nullable(),
});

export const jobView = z.object({
  id: z.string(),
  region: z.string(),
  name: z.string(),
  kind: z.string(),
  state: z.enum(JOB_STATES),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
  principal: z.string(),
  idempotencyKey: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
  application: applicationView.nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  cancel: z.object({ requestedAt: z.string(), by: z.string(), reason: z.string() }).nullable(),
  killReason: z.enum(KILL_REASONS).nullable(),
});

export type Job = z.infer<typeof jobView>;
export type ApplicationView = z.infer<typeof applicationView>;
