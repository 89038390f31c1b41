// /v1/jobs: submit (idempotent), read, list, cancel.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { newUlid } from '../../jobs/new-ulid.ts';
import { z } from 'zod';
import { checkRegionLimits, isTerminal, JOB_STATES, jobError, jobView, parseJobSpec, type JobSpec } from '../../jobs/index.ts';
import type { Region } from '../../regions/index.ts';
import { decide, shadowReport } from '../../rollout/index.ts';
import { getRegionHealth, toJobView, type JobRecord } from '../../store/index.ts';
import type { ApiDeps } from '../api-deps.ts';
import { ApiError } from '../api-error.ts';
import { assertRegion, mayUseRegion, type Principal } from '../auth.ts';
import { bodyHash, parseIdempotencyKey } from '../idempotency.ts';
import { jobIdParams, jobSpecBody, json, v1Errors } from '../openapi.ts';
import { documentOnly } from '../validation.ts';

const listQuery = z.strictObject({
  region: z.string().optional(),
  state: z.enum(JOB_STATES).optional(),
  label: z.string().regex(/^[^:]+:.*$/, 'must be key:value').optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().regex(/^job_[0-9A-Z]{26}$/, 'must be a job id').optional(),
});

// Checked by parseIdempotencyKey in the handler, before the body.
const submitHeaders = documentOnly(z.object({
  'Idempotency-Key': z.string().min(1).max(255).regex(/^[\x21-\x7e]+$/).optional()
    .describe('the same key and body again answer 200 with the first job; the same key with another body is a 409'),
}));
// The handler keeps what it can use of any body: a string `reason`, cut to 500 characters.
const cancelBody = documentOnly(z.object({ reason: z.string().max(500).optional() }).optional());
const job = (description: string) => json(description, jobView);

export function jobRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const { store, producer, regions } = deps;
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/v1/jobs', {
    schema: {
      summary: 'submit a job',
      headers: submitHeaders,
      body: jobSpecBody,
      response: {
        202: job('accepted: the job is recorded and queued — or, in a region in shadow mode, recorded SHADOWED with its `shadow` report (it will not run: run it the old way)'),
        200: job('the same Idempotency-Key and body again: the existing job'),
        ...v1Errors('INVALID_JOB_SPEC', 'UNKNOWN_REGION', 'INVALID_JSON', 'INVALID_REQUEST', 'FORBIDDEN_REGION', 'IDEMPOTENCY_CONFLICT', 'REGION_DISABLED', 'NOT_IN_ROLLOUT', 'BODY_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'),
      },
    },
  }, async (request, reply) => {
    const principal = request.principal!;
    const idempotencyKey = parseIdempotencyKey(request.headers['idempotency-key']);
    const parsed = parseSpec(request.body, deps, principal);
    const region = regions.get(parsed.region)!;
    const hash = bodyHash(request.body);
    // Judged by the rollout in force now; a job accepted earlier is answered as it was accepted.
    const rollout = await deps.rollouts.current(region.name, region.rollout);
    const decision = decide(rollout, { ...pickLabels(parsed.labels), rolloutKey: parsed.rolloutKey });
    if (decision.route === 'legacy') {
      const earlier = idempotencyKey ? await store.findByIdempotencyKey(principal.name, idempotencyKey) : null;
      const answer = earlier ? await answerExisting(deps, principal, idempotencyKey!, hash, earlier) : null;
      if (answer) return reply.status(200).send(toJobView(answer));
      const code = rollout.mode === 'off' ? 'REGION_DISABLED' : 'NOT_IN_ROLLOUT';
      await deps.adoption.countRefusal(region.name, parsed.labels, code);
      throw new ApiError(code, `region ${region.name}: ${decision.reason}`);
    }
    const shadow = decision.route === 'shadow';
    // In shadow mode what the region would refuse (limits, unknown checks) is part of the report, not a 400.
    const spec = shadow ? parsed : checkAgainstRegion(parsed, region);
    const newJob = {
      id: `job_${newUlid()}`,
      spec,
      principal: principal.name,
      timeoutSeconds: spec.timeoutSeconds ?? region.yarn.defaults.timeoutSeconds,
      idempotency: idempotencyKey ? { key: idempotencyKey, bodyHash: hash } : null,
      rollout: { mode: rollout.mode as 'shadow' | 'canary' | 'on', reason: decision.reason },
      ...(shadow ? { shadow: shadowReport(spec, region, await getRegionHealth(deps.redis, deps.store.keys, region.name), Date.now()) } : {}),
    };
    let created = await store.create(newJob);
    if (!created.created) {
      const answer = await answerExisting(deps, principal, idempotencyKey!, hash, { jobId: created.existingJobId, bodyHash: created.bodyHash });
      if (answer) return reply.status(200).send(toJobView(answer));
      created = await store.create(newJob);
    }
    if (!created.created) throw new ApiError('IDEMPOTENCY_CONFLICT', `Idempotency-Key "${idempotencyKey}" is being used by another submission right now`);
    if (shadow) {
      request.log.info({ jobId: created.job.id, region: region.name, wouldRun: newJob.shadow!.wouldRun }, 'job shadowed');
    } else {
      await enqueueOrFail(deps, created.job);
      request.log.info({ jobId: created.job.id, region: region.name }, 'job accepted');
    }
    return reply.status(202).header('location', `/v1/jobs/${created.job.id}`).send(toJobView(created.job));
  });

  r.get('/v1/jobs/:id', {
    schema: { summary: 'read a job', params: jobIdParams, response: { 200: job('the job'), ...v1Errors('JOB_NOT_FOUND') } },
  }, async (request) => toJobView(await readableJob(deps, request)));

  r.get('/v1/jobs', {
    schema: {
      summary: 'list jobs, newest first',
      querystring: listQuery,
      response: {
        200: json('a page of jobs; nextCursor fetches the next', z.object({ jobs: z.array(jobView), nextCursor: z.string().nullable() })),
        ...v1Errors('INVALID_REQUEST', 'FORBIDDEN_REGION'),
      },
    },
  }, async (request) => {
    const q = request.query;
    if (q.region && !mayUseRegion(request.principal!, q.region)) assertRegion(request.principal!, q.region);
    const [key, ...rest] = q.label?.split(':') ?? [];
    const result = await store.list({
      region: q.region, state: q.state, limit: q.limit, cursor: q.cursor,
      label: key ? { key, value: rest.join(':') } : undefined,
      visible: (job: JobRecord) => mayUseRegion(request.principal!, job.region),
    });
    return { jobs: result.jobs.map(toJobView), nextCursor: result.nextCursor };
  });

  r.post('/v1/jobs/:id/cancel', {
    schema: {
      summary: 'cancel a job',
      params: jobIdParams,
      body: cancelBody,
      response: {
        202: job('being cancelled: the job is CANCELLING'),
        200: job('already ended (or ended while queued): the job, unchanged by a late cancel'),
        ...v1Errors('JOB_NOT_FOUND'),
      },
    },
  }, async (request, reply) => {
    const job = await readableJob(deps, request);
    if (isTerminal(job.state)) return reply.status(200).send(toJobView(job));
    const reason = typeof (request.body as { reason?: unknown } | undefined)?.reason === 'string'
      ? String((request.body as { reason: string }).reason).slice(0, 500)
      : 'cancelled through the API';
    const cancel = { requestedAt: new Date().toISOString(), by: request.principal!.name, reason };
    const moved = await store.transition(job.id, 'CANCELLING', { cancel });
    if (moved.outcome === 'terminal') return reply.status(200).send(toJobView((await store.get(job.id))!));
    if (moved.previous === 'QUEUED' && (await producer.removeQueued(job.region, job.id))) {
      // Never taken by a worker: nothing reached YARN, so the job ends here.
      await store.transition(job.id, 'KILLED', { killReason: 'cancelled', error: jobError('KILLED', `cancelled by ${cancel.by} while queued`) });
    } else {
      await producer.enqueueCancel(job.region, job.id);
    }
    const after = (await store.get(job.id))!;
    return reply.status(isTerminal(after.state) ? 200 : 202).send(toJobView(after));
  });
}

/**
 * A 202 means the job is queued. If queueing fails (Redis went away after the record was written),
 * the job is marked so it can never run later — its caller gets the error (503) and may retry with
 * the same Idempotency-Key. If Redis is gone for that write too, reconciliation marks it later.
 */
async function enqueueOrFail(deps: ApiDeps, job: JobRecord): Promise<void> {
  try {
    await deps.producer.enqueueSubmit(job.region, job.id);
  } catch (err) {
    await deps.store.transition(job.id, 'FAILED', {
      error: jobError('ENQUEUE_FAILED', `the job was recorded but could not be queued: ${(err as Error).message}`),
    }, ['QUEUED']).catch(() => {});
    throw err;
  }
}

/** The spec's own rules, then the region: it exists and the caller may use it. */
function parseSpec(body: unknown, deps: ApiDeps, principal: Principal): JobSpec {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new ApiError('INVALID_JOB_SPEC', 'the body must be a JSON object', [{ path: [], message: 'must be a JSON object' }]);
  }
  const region = (body as { region?: unknown }).region;
  if (typeof region === 'string' && region && !deps.regions.has(region)) {
    throw new ApiError('UNKNOWN_REGION', `no region "${region}"; known: ${[...deps.regions.keys()].join(', ')}`, [{ path: ['region'], message: `unknown region "${region}"` }]);
  }
  const parsed = parseJobSpec(body);
  if (!parsed.ok) throw new ApiError('INVALID_JOB_SPEC', describe(parsed.issues), parsed.issues);
  assertRegion(principal, parsed.spec.region);
  return parsed.spec;
}

/** What the region refuses: resources or timeout over its limits, a check it does not have. */
function checkAgainstRegion(spec: JobSpec, r: Region): JobSpec {
  const issues = checkRegionLimits(spec, r.yarn.limits);
  const checks = r.preflight.checks.map((c) => c.name);
  spec.requires.forEach((name, i) => {
    if (!checks.includes(name)) issues.push({ path: ['requires', i], message: `region ${spec.region} has no preflight check "${name}" (it has: ${checks.join(', ')})` });
  });
  if (issues.length) throw new ApiError('INVALID_JOB_SPEC', describe(issues), issues);
  return spec;
}

/**
 * A submission whose Idempotency-Key already names a job: that job answers it (200), whatever the
 * rollout says now — unless it never ran (ENQUEUE_FAILED: its caller got a 503) or is gone, and
 * then null: this is a new submission.
 */
async function answerExisting(deps: ApiDeps, principal: Principal, key: string, hash: string, earlier: { jobId: string; bodyHash: string }): Promise<JobRecord | null> {
  if (earlier.bodyHash !== hash) throw new ApiError('IDEMPOTENCY_CONFLICT', `Idempotency-Key "${key}" was used for job ${earlier.jobId} with a different body`);
  const existing = await deps.store.get(earlier.jobId);
  if (!existing) return null;
  if (existing.error?.code === 'ENQUEUE_FAILED') {
    await deps.store.forgetIdempotencyKey(principal.name, key, existing.id, hash);
    return null;
  }
  // A crash between recording and enqueueing would leave it QUEUED forever: enqueue again
  // (BullMQ keeps one job per id; the worker acknowledges a job it already handled).
  if (existing.state === 'QUEUED') await deps.producer.enqueueSubmit(existing.region, existing.id);
  return existing;
}

function pickLabels(labels: Record<string, string>): { team?: string; dag?: string; task?: string } {
  return { team: labels.team, dag: labels.dag, task: labels.task };
}

function describe(issues: { path: (string | number)[]; message: string }[]): string {
  return issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
}

async function readableJob(deps: ApiDeps, request: FastifyRequest): Promise<JobRecord> {
  const { id } = request.params as { id: string };
  const job = /^job_[0-9A-Z]{26}$/.test(id) ? await deps.store.get(id) : null;
  // A job in a region the principal may not use is not shown to exist.
  if (!job || !mayUseRegion(request.principal!, job.region)) throw new ApiError('JOB_NOT_FOUND', `no job ${id}`);
  return job;
}
