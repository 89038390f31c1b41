// /v1/regions/{name}/rollout: the setting in force, a live change (admins; a reason is required),
// its history, and the decision for a task before any spec is built (ARCHITECTURE.md, Rollout).

import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { labelValue } from '../../jobs/index.ts';
import { decide, rolloutChange, rolloutChangeResult, rolloutDecision, rolloutHistoryEntry, rolloutView } from '../../rollout/index.ts';
import type { ApiDeps } from '../api-deps.ts';
import { json, v1Errors } from '../openapi.ts';
import { assertAdmin, regionFor } from '../region-access.ts';

const params = z.object({ name: z.string().describe('a region name') });
const decisionQuery = z.strictObject({
  team: labelValue.optional().describe('labels.team of the task'),
  dag: labelValue.optional().describe('labels.dag'),
  task: labelValue.optional().describe('labels.task'),
  rolloutKey: z.string().min(1).max(200).optional().describe('the spec\'s rolloutKey, if it will send one'),
});
const historyQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(100) });

export function rolloutRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/v1/regions/:name/rollout', {
    schema: { summary: "a region's rollout in force", params, response: { 200: json('the rollout in force', rolloutView), ...v1Errors('REGION_NOT_FOUND', 'FORBIDDEN_REGION') } },
  }, async (request) => {
    const region = regionFor(deps, request.principal!, request.params.name);
    return deps.rollouts.current(region.name, region.rollout);
  });

  r.put('/v1/regions/:name/rollout', {
    schema: {
      summary: "change a region's rollout live (admins; a reason is required)",
      description: 'Judges every submission that reaches the gate after this answers, in every API process (one already past the gate may still be accepted under the old mode); jobs already accepted are not touched. Without `canary`, the canary setting in force is kept. Recorded in the history, then published as `region.rollout_changed`.',
      params,
      body: rolloutChange,
      response: { 200: json('the rollout now in force, and the recorded change', rolloutChangeResult), ...v1Errors('REGION_NOT_FOUND', 'FORBIDDEN_REGION', 'ADMIN_REQUIRED', 'INVALID_REQUEST') },
    },
  }, async (request) => {
    const principal = request.principal!;
    const region = regionFor(deps, principal, request.params.name);
    assertAdmin(principal, "change a region's rollout");
    const { mode, canary, reason } = request.body;
    const result = await deps.rollouts.change(region.name, region.rollout, { config: { mode, canary: canary ?? 'keep' }, by: principal.name, reason });
    if (result.change) request.log.info({ region: region.name, from: result.change.from.mode, to: mode, version: result.change.version, by: principal.name }, 'rollout changed');
    return result;
  });

  r.get('/v1/regions/:name/rollout/history', {
    schema: {
      summary: "a region's rollout changes, newest first",
      params,
      querystring: historyQuery,
      response: { 200: json('the changes', z.object({ history: z.array(rolloutHistoryEntry) })), ...v1Errors('REGION_NOT_FOUND', 'FORBIDDEN_REGION', 'INVALID_REQUEST') },
    },
  }, async (request) => {
    const region = regionFor(deps, request.principal!, request.params.name);
    return { history: await deps.rollouts.history(region.name, request.query.limit) };
  });

  r.get('/v1/regions/:name/rollout/decision', {
    schema: {
      summary: 'where a task should go now: sluice, shadow or legacy',
      description: 'The same rule the submission gate applies, so asking first and submitting agree (unless the rollout changes in between).',
      params,
      querystring: decisionQuery,
      response: { 200: json('the decision', rolloutDecision), ...v1Errors('REGION_NOT_FOUND', 'FORBIDDEN_REGION', 'INVALID_REQUEST') },
    },
  }, async (request) => {
    const region = regionFor(deps, request.principal!, request.params.name);
    const rollout = await deps.rollouts.current(region.name, region.rollout);
    const decision = decide(rollout, request.query);
    return { region: region.name, mode: rollout.mode, version: rollout.version, ...decision };
  });
}
