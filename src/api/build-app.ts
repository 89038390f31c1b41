// Builds the HTTP API (Fastify) from its dependencies; listening happens elsewhere, so tests use
// app.inject() or listen on a free port.

import swagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ADMIN_PREFIX, adminRoutes, regionBoardQueues } from './admin/admin-routes.ts';
import type { ApiDeps } from './api-deps.ts';
import { Authenticator, type Principal } from './auth.ts';
import { installErrorHandler } from './error-handler.ts';
import { json, swaggerOptions } from './openapi.ts';
import { eventRoutes } from './routes/events.ts';
import { healthRoutes } from './routes/health.ts';
import { jobRoutes } from './routes/jobs.ts';
import { logRoutes } from './routes/logs.ts';
import { regionRoutes } from './routes/regions.ts';
import { rolloutRoutes } from './routes/rollout.ts';
import { adoptionRoutes } from './routes/adoption.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { useZodSchemas } from './validation.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const PUBLIC_ROUTES = new Set(['/healthz', '/readyz', '/openapi.json']);

export function buildApp(deps: ApiDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.log.child({ module: 'api' }) as FastifyBaseLogger,
    bodyLimit: deps.config.http.bodyLimitBytes,
    // Per-request lines only when debugging: errors are logged by the error handler anyway.
    logController: new LogController({ disableRequestLogging: deps.config.log.level !== 'debug' && deps.config.log.level !== 'trace' }),
  });
  installErrorHandler(app);
  const auth = new Authenticator(deps.config.auth.tokens);
  app.decorateRequest('principal', null);
  // Authenticate before the body is read: an unauthenticated caller can't make us parse 4 MB.
  app.addHook('onRequest', async (request) => {
    const route = request.routeOptions.url ?? '';
    if (PUBLIC_ROUTES.has(route)) return;
    // The admin pages take a login cookie too: their own guard (src/api/admin/admin-guard.ts).
    if (route.startsWith(`${ADMIN_PREFIX}/`)) return;
    request.principal = auth.authenticate(request.headers.authorization);
  });
  // Registered first: it collects every route added after it into /openapi.json.
  void app.register(swagger, swaggerOptions(PUBLIC_ROUTES));
  // Sluice's routes validate with zod; a plugin with JSON schemas (Bull Board) keeps Fastify's
  // own compilers outside this context.
  void app.register(async (api) => {
    useZodSchemas(api);
    healthRoutes(api, deps);
    api.get('/openapi.json', { schema: { summary: 'this document', response: { 200: json('the OpenAPI 3.1 document', z.record(z.string(), z.unknown())) } } }, async () => app.swagger());
    jobRoutes(api, deps);
    eventRoutes(api, deps);
    logRoutes(api, deps);
    regionRoutes(api, deps);
    rolloutRoutes(api, deps);
    adoptionRoutes(api, deps);
    webhookRoutes(api, deps);
  });
  // Bull Board and its login, outside the zod context: every region's queues, then the webhook
  // deliveries (a queue of no region) in a group of their own.
  const boardQueues = [...regionBoardQueues(deps), { queue: deps.webhooks.queue, group: 'webhooks', name: 'deliveries' }];
  void app.register(adminRoutes({ deps, auth, queues: boardQueues }), { prefix: ADMIN_PREFIX });
  return app;
}
