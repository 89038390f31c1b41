// The emulator's Fastify app, built in a factory and listened on elsewhere (STYLE.md). One
// onRequest hook does, in order: count the request, add latency, answer an injected failure,
// and play RMWebAppFilter when standby. Routes then see only requests a real active RM would serve.
// The emulator's own control endpoints (/emulator/…) pass none of that: they are no RM's.

import Fastify, { type FastifyInstance } from 'fastify';
import { isExempt, standbyAnswer } from './ha-filter.ts';
import { RestErrorResponse } from './remote-exception.ts';
import { pathOf, UnsupportedMediaType, type RmContext } from './rm-context.ts';
import { registerAppRoutes } from './routes-apps.ts';
import { registerClusterRoutes } from './routes-cluster.ts';
import { CONTROL_PREFIX, registerControlRoutes } from './routes-control.ts';
import { registerNodeRoutes } from './routes-node.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function looksLikeJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export function buildEmulatorApp(ctx: RmContext): FastifyInstance {
  const app = Fastify({ logger: false, routerOptions: { ignoreTrailingSlash: true }, forceCloseConnections: true });

  // Bodies reach the routes as raw strings: they parse JSON themselves and answer YARN-style errors.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.addHook('onRequest', async (req, reply) => {
    const path = pathOf(req.url);
    if (path.startsWith(CONTROL_PREFIX)) return undefined;
    ctx.faults.record(req.method, path);
    ctx.stats.record(req.method, req.url);
    const delay = ctx.faults.delayFor(req.method, path);
    if (delay > 0) await sleep(delay);

    const failure = ctx.faults.take(req.method, path);
    if (failure) {
      const body = failure.body ?? '';
      reply.code(failure.status).type(looksLikeJson(body) ? 'application/json' : 'text/plain; charset=utf-8');
      return reply.send(body);
    }

    if (ctx.ha.state === 'STANDBY' && !isExempt(path)) {
      const answer = standbyAnswer(req.url, ctx.url(), ctx.ha.activeUrl);
      return reply.code(answer.status).headers(answer.headers).send(answer.body);
    }
    return undefined;
  });

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof RestErrorResponse) {
      return reply.code(err.restError.status).send(err.restError.body);
    }
    if (err instanceof UnsupportedMediaType) {
      return reply.code(415).type('text/plain; charset=utf-8').send(err.message);
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status < 500) return reply.code(status).send({ error: (err as Error).message });
    ctx.config.logger.error({ err, url: req.url }, 'emulator route failed');
    return reply.code(500).send({ error: (err as Error).message });
  });

  app.setNotFoundHandler((_req, reply) => reply.code(404).type('text/plain; charset=utf-8').send('Not Found'));

  registerAppRoutes(app, ctx);
  registerClusterRoutes(app, ctx);
  registerNodeRoutes(app, ctx);
  registerControlRoutes(app, ctx);
  return app;
}
