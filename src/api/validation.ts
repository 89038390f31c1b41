// How the routes' zod schemas are used by Fastify. A failed request schema is an ApiError
// INVALID_REQUEST naming each field under the request part ('query', 'params', 'headers', 'body'),
// the shape clients already get. A schema marked documentOnly() is published in /openapi.json but
// not enforced, for routes whose handler validates in an order of its own (POST /v1/jobs:
// UNKNOWN_REGION before the spec, then region limits). Responses are plain JSON.stringify: the
// response schemas document, they never strip a field or fail a reply.

import type { FastifyInstance, FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';
import { ApiError, type ApiIssue } from './api-error.ts';

const documentOnlySchemas = new WeakSet<z.ZodType>();

/** A copy of the schema that /openapi.json shows and Fastify does not check. */
export function documentOnly<T extends z.ZodType>(schema: T): T {
  const copy = schema.clone() as T;
  documentOnlySchemas.add(copy);
  return copy;
}

const PART_PREFIX: Record<string, string> = { querystring: 'query', params: 'params', headers: 'headers', body: 'body' };

const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart, method, url }) => {
  if (!(schema instanceof z.ZodType)) throw new Error(`${method} ${url}: the ${httpPart} schema must be a zod schema`);
  if (documentOnlySchemas.has(schema)) return (data) => ({ value: data });
  const prefix = PART_PREFIX[httpPart ?? ''] ?? String(httpPart);
  return (data) => {
    const parsed = schema.safeParse(data);
    if (parsed.success) return { value: parsed.data };
    const issues: ApiIssue[] = parsed.error.issues.map((i) => ({ path: [prefix, ...i.path.map((p) => (typeof p === 'number' ? p : String(p)))], message: i.message }));
    // Fastify passes an Error through to the error handler as it is.
    return { error: new ApiError('INVALID_REQUEST', `invalid ${prefix}: ${issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, issues) };
  };
};

/** Zod schemas on every route of this instance (and its children). */
export function useZodSchemas(app: FastifyInstance): void {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
}
