// /openapi.json, generated from the same zod schemas that validate requests, so the contract can't
// drift from the code.

import { z } from 'zod';
import { jobSpec, jobView } from '../jobs/index.ts';
import { API_ERRORS } from './api-error.ts';

export function buildOpenApi(version: string) {
  const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
  const error = {
    type: 'object',
    properties: { error: { type: 'object', properties: { code: { enum: Object.keys(API_ERRORS) }, message: { type: 'string' }, issues: { type: 'array' } } } },
  };
  const json = (ref: string) => ({ content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } });
  const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), { description: 'error', ...json('Error') }]));
  const sse = { description: 'Server-Sent Events', content: { 'text/event-stream': { schema: { type: 'string' } } } };
  return {
    openapi: '3.1.0',
    info: { title: 'Sluice', version },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { JobSpec: schema(jobSpec), Job: schema(jobView), Error: error },
    },
    security: [{ bearer: [] }],
    paths: {
      '/v1/jobs': {
        post: {
          parameters: [{ name: 'Idempotency-Key', in: 'header', schema: { type: 'string', maxLength: 255 } }],
          requestBody: { required: true, ...json('JobSpec') },
          responses: { '202': { description: 'accepted', ...json('Job') }, '200': { description: 'same Idempotency-Key and body', ...json('Job') }, ...errors(400, 401, 403, 409, 413) },
        },
        get: {
          parameters: ['region', 'state', 'label', 'limit', 'cursor'].map((name) => ({ name, in: 'query', schema: { type: 'string' } })),
          responses: { '200': { description: 'jobs, newest first', content: { 'application/json': { schema: { type: 'object', properties: { jobs: { type: 'array', items: { $ref: '#/components/schemas/Job' } }, nextCursor: { type: ['string', 'null'] } } } } } }, ...errors(400, 401, 403) },
        },
      },
      '/v1/jobs/{id}': { get: { parameters: [idParam()], responses: { '200': { description: 'the job', ...json('Job') }, ...errors(401, 404) } } },
      '/v1/jobs/{id}/cancel': { post: { parameters: [idParam()], responses: { '202': { description: 'cancelling', ...json('Job') }, '200': { description: 'already ended, unchanged', ...json('Job') }, ...errors(401, 404) } } },
      '/v1/jobs/{id}/events': { get: { parameters: [idParam(), { name: 'Last-Event-ID', in: 'header', schema: { type: 'string' } }], responses: { '200': sse, ...errors(401, 404) } } },
      '/v1/events': { get: { parameters: [{ name: 'region', in: 'query', schema: { type: 'string' } }, { name: 'Last-Event-ID', in: 'header', schema: { type: 'string' } }], responses: { '200': sse, ...errors(400, 401, 403) } } },
      '/v1/regions': { get: { responses: { '200': { description: 'regions with rollout, health, queue counts' }, ...errors(401) } } },
      '/healthz': { get: { security: [], responses: { '200': { description: 'alive' } } } },
      '/readyz': { get: { security: [], responses: { '200': { description: 'Redis reachable' }, ...errors(503) } } },
      '/openapi.json': { get: { security: [], responses: { '200': { description: 'this document' } } } },
    },
  };
}

function idParam() {
  return { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^job_[0-9A-Z]{26}$' } };
}
