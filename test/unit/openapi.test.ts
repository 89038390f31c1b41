// /openapi.json is generated from the routes: every route Fastify has is in it, with its
// parameters, and the error tables (job and API) are exported whole. No server: the app is built
// on a Redis client that never connects, and only /openapi.json is asked.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { buildApiDeps } from '../../src/api/api-deps.ts';
import { API_ERRORS } from '../../src/api/api-error.ts';
import { buildApp } from '../../src/api/build-app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { JOB_ERRORS } from '../../src/jobs/index.ts';
import { createLogger } from '../../src/log.ts';
import { loadRegions } from '../../src/regions/index.ts';

const REPO = resolve(import.meta.dirname, '../..');
let app: FastifyInstance;
let redis: Redis;
let close: () => Promise<void>;
const routes: { method: string; url: string }[] = [];
let doc: any;

before(async () => {
  const config = loadConfig({ configDir: resolve(REPO, 'config'), env: { NODE_ENV: 'test', SLUICE_REGIONS_DIR: resolve(REPO, 'regions') } });
  redis = new Redis({ lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
  const deps = buildApiDeps({ config, regions: loadRegions(config.regions.dir), redis, log: createLogger('silent') });
  close = deps.close;
  app = buildApp(deps);
  // Every route, however it is added (root, plugin, Fastify's HEAD twins): onRoute on the root
  // sees them all, and the routes are only added once the plugins load, in ready().
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) routes.push({ method, url: r.url });
  });
  await app.ready();
  const res = await app.inject({ method: 'GET', url: '/openapi.json' });
  assert.equal(res.statusCode, 200, res.body);
  doc = res.json();
});
after(async () => {
  await app?.close();
  await close?.();
  redis?.disconnect();
});

const toOpenApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

test('every route Fastify serves is in /openapi.json, with its responses', () => {
  // Under /admin: Bull Board and its login, pages for a browser (with an API of Bull Board's own),
  // not Sluice's API; they are left out of the document on purpose.
  const served = routes.filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS' && !r.url.startsWith('/admin/'));
  assert.ok(routes.some((r) => r.url === '/admin/queues/api/queues'), 'Bull Board is served');
  assert.ok(served.length >= 10, `only ${served.length} routes seen: ${JSON.stringify(served)}`);
  for (const { method, url } of served) {
    const op = doc.paths[toOpenApiPath(url)]?.[method.toLowerCase()];
    assert.ok(op, `${method} ${url} is not in /openapi.json`);
    // A route without a schema would still be listed, with only @fastify/swagger's "Default Response".
    const success = Object.entries(op.responses ?? {}).filter(([s]) => s.startsWith('2')).map(([, r]) => r as { description: string });
    assert.ok(success.length && success.every((r) => r.description !== 'Default Response'), `${method} ${url} declares no success response`);
  }
  // …and nothing is documented that isn't served.
  const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops as object).map((m) => `${m.toUpperCase()} ${path}`));
  assert.deepEqual(documented.sort(), served.map((r) => `${r.method} ${toOpenApiPath(r.url)}`).sort());
});

test('GET /v1/jobs/{id}/logs is documented with its path and query parameters and text responses', () => {
  const op = doc.paths['/v1/jobs/{id}/logs']?.get;
  assert.ok(op);
  const params = Object.fromEntries(op.parameters.map((p: { name: string; in: string }) => [`${p.in}:${p.name}`, p]));
  assert.ok(params['path:id']);
  assert.deepEqual(params['query:file'].schema.enum, ['stdout', 'stderr']);
  assert.ok(params['query:follow']);
  assert.ok(op.responses['200'].content['text/plain']);
});

test('the SSE routes document text/event-stream', () => {
  for (const path of ['/v1/jobs/{id}/events', '/v1/events']) {
    assert.ok(doc.paths[path].get.responses['200'].content['text/event-stream'], path);
  }
});

test('JobErrorCode lists every job error code with its meaning, and a Job error references it', () => {
  const codes = doc.components.schemas.JobErrorCode;
  assert.deepEqual(codes.enum, Object.keys(JOB_ERRORS));
  assert.deepEqual(codes['x-enum-descriptions'], Object.values(JOB_ERRORS));
  for (const [code, meaning] of Object.entries(JOB_ERRORS)) assert.ok(codes.description.includes(`| \`${code}\` | ${meaning.replaceAll('|', '\\|')} |`), code);
  assert.match(JSON.stringify(doc.components.schemas.Job.properties.error), /#\/components\/schemas\/JobErrorCode/);
});

test('ApiError lists every API error code with its status', () => {
  const codes = doc.components.schemas.ApiErrorCode;
  assert.deepEqual(codes.enum, Object.keys(API_ERRORS));
  assert.deepEqual(codes['x-status'], Object.fromEntries(Object.entries(API_ERRORS).map(([c, e]) => [c, e.status])));
  assert.equal(doc.components.schemas.ApiError.properties.error.properties.code.$ref, '#/components/schemas/ApiErrorCode');
});

test('every $ref resolves; public routes need no token, the others a bearer token', () => {
  for (const ref of JSON.stringify(doc).match(/#\/components\/schemas\/[^"]+/g) ?? []) {
    assert.ok(doc.components.schemas[ref.split('/').pop()!], `${ref} does not resolve`);
  }
  assert.deepEqual(doc.security, [{ bearer: [] }]);
  for (const path of ['/healthz', '/readyz', '/openapi.json']) assert.deepEqual(doc.paths[path].get.security, [], path);
  assert.equal(doc.paths['/v1/jobs'].get.security, undefined);
  assert.equal(doc.paths['/v1/jobs'].post.requestBody.content['application/json'].schema.$ref, '#/components/schemas/JobSpec');
});
