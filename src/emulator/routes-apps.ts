// /ws/v1/cluster/apps…: new-application, submit, get, list, state and kill, with RMWebServices'
// status codes and bodies.

import type { FastifyInstance, FastifyReply } from 'fastify';
import { parseApplicationId } from './application-id.ts';
import { toAppInfo } from './app-info.ts';
import { AppListJson } from './app-list-json.ts';
import { isFinalStateStored, type EmulatedApp } from './emulated-app.ts';
import { parseListQuery } from './list-query.ts';
import { RestErrorResponse, restErrors } from './remote-exception.ts';
import { nodeHttpAddress } from './options.ts';
import { pathOf, queryOf, requireJson, requireUser, type RmContext } from './rm-context.ts';
import { parseSubmission } from './submission.ts';

const BASE = '/ws/v1/cluster/apps';

/** RMWebServices.getRMAppForAppId: a malformed id is a 400, an unknown one a 404. */
function findApp(ctx: RmContext, rawId: string): EmulatedApp {
  let app: EmulatedApp | undefined;
  try {
    app = ctx.registry.get(parseApplicationId(rawId));
  } catch (err) {
    throw new RestErrorResponse(restErrors.badRequestFrom('java.lang.IllegalArgumentException', (err as Error).message));
  }
  if (!app) throw new RestErrorResponse(restErrors.notFound(`app with id: ${rawId} not found`));
  return app;
}

function infoContext(ctx: RmContext) {
  return { rmUrl: ctx.url(), clusterId: ctx.registry.clusterTimestamp, nodeHttpAddress: nodeHttpAddress(ctx.config, ctx.url()) };
}

function parseJson(raw: unknown): Record<string, unknown> {
  if (typeof raw !== 'string' || raw.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(raw);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch (err) {
    throw new RestErrorResponse(restErrors.unparsableBody((err as Error).message));
  }
}

export function registerAppRoutes(app: FastifyInstance, ctx: RmContext): void {
  const listJson = new AppListJson();
  app.post(`${BASE}/new-application`, async (req) => {
    requireUser(req.url);
    const { memory, vCores } = ctx.config.maxResource;
    return {
      'application-id': ctx.registry.issueId(),
      'maximum-resource-capability': {
        memory,
        vCores,
        resourceInformations: {
          resourceInformation: [
            { name: 'memory-mb', resourceType: 'COUNTABLE', units: 'Mi', value: memory },
            { name: 'vcores', resourceType: 'COUNTABLE', units: '', value: vCores },
          ],
        },
      },
    };
  });

  app.post(BASE, async (req, reply) => {
    const arrivedAt = Date.now();
    requireJson(req.headers['content-type']);
    const user = requireUser(req.url);
    const sub = parseSubmission(req.body ?? '', ctx.config.maxResource);
    const accepted = (): FastifyReply =>
      reply.code(202).header('location', `${ctx.url()}${BASE}/${sub.applicationId}`).send();
    // ClientRMService: "This is an earlier submitted application" — 202 again, nothing else happens.
    if (ctx.registry.get(sub.parsedId)) return accepted();
    if (!ctx.registry.wasIssued(sub.parsedId)) {
      // Emulator-only rule: a real RM accepts any well-formed id. Catching it here finds client bugs.
      throw new RestErrorResponse(restErrors.badRequest(
        `Application ${sub.applicationId} was not issued by this ResourceManager's new-application (emulator check)`));
    }
    if (sub.queue === '') {
      // RMAppManager's placement, before the app exists: a 3.4.2 RM answers 400 for "queue": "".
      throw new RestErrorResponse(restErrors.badRequest(
        `Failed to place application ${sub.applicationId} in a queue and submit context queue is null or empty`));
    }
    if (sub.resource.memory < 0 || sub.resource.vCores < 0) {
      const type = sub.resource.memory < 0 ? 'memory-mb' : 'vcores';
      throw new RestErrorResponse(restErrors.badRequest(
        `Invalid resource request! Cannot allocate containers as requested resource is less than 0! Requested resource type=[${type}], Requested resource=<memory:${sub.resource.memory}, vCores:${sub.resource.vCores}>`));
    }
    ctx.registry.add(ctx.lifecycle.create(sub, user, arrivedAt));
    ctx.config.logger.info({ appId: sub.applicationId, user, queue: sub.queue }, 'application submitted');
    return accepted();
  });

  app.get(BASE, async (req, reply) => {
    const apps = ctx.registry.list(parseListQuery(queryOf(req.url)));
    // Jersey 1 renders an empty list as null: {"apps":null}. Rendered from per-app cached JSON.
    return reply.type('application/json; charset=utf-8').send(listJson.body(apps, infoContext(ctx)));
  });

  app.get<{ Params: { appId: string } }>(`${BASE}/:appId`, async (req) => ({
    app: toAppInfo(findApp(ctx, req.params.appId), infoContext(ctx)),
  }));

  // The RM's internal state (RMAppState): may read KILLING, unlike GET /apps/{id}.
  app.get<{ Params: { appId: string } }>(`${BASE}/:appId/state`, async (req) => ({
    state: findApp(ctx, req.params.appId).state,
  }));

  app.put<{ Params: { appId: string } }>(`${BASE}/:appId/state`, async (req, reply) => {
    requireJson(req.headers['content-type']);
    const user = requireUser(req.url);
    const target = parseJson(req.body);
    const emulated = findApp(ctx, req.params.appId);
    const current = emulated.state;
    if (target.state === current) return { state: current };
    if (target.state !== 'KILLED') {
      throw new RestErrorResponse(restErrors.badRequest("Only 'KILLED' is allowed as a target state."));
    }
    // forceKillApplication answers "done" only once the final state is stored.
    if (isFinalStateStored(emulated)) return { state: current };
    const diagnostics = typeof target.diagnostics === 'string' ? target.diagnostics : undefined;
    ctx.lifecycle.requestKill(emulated, user, diagnostics);
    return reply.code(202).header('location', `${ctx.url()}${pathOf(req.url)}`).send({ state: current });
  });
}
