// Maps whatever a route or Fastify throws to the API's error shape. Fastify's own errors (body too
// large, bad JSON, wrong content type) get stable codes too, so clients never see Fastify's codes.

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isStoreUnavailable } from '../redis/index.ts';
import { ApiError } from './api-error.ts';

/** What a 503 STORE_UNAVAILABLE asks the caller to wait: Redis reconnects within about a second. */
export const STORE_RETRY_AFTER_SECONDS = 2;

const FASTIFY_CODES: Record<string, () => ApiError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => new ApiError('BODY_TOO_LARGE'),
  FST_ERR_CTP_INVALID_JSON_BODY: () => new ApiError('INVALID_JSON'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => new ApiError('INVALID_JSON', 'the request body is empty'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => new ApiError('UNSUPPORTED_MEDIA_TYPE'),
};

/**
 * The ApiError a thrown error answers as (logging it, and setting Retry-After on the reply when
 * Redis is away). Also for hooks of a context whose error handler isn't this one (Bull Board's).
 */
export function toApiError(err: FastifyError | ApiError, request: FastifyRequest, reply: FastifyReply): ApiError {
  if (err instanceof ApiError) return err;
  if (err.code && FASTIFY_CODES[err.code]) return FASTIFY_CODES[err.code]!();
  if (err instanceof SyntaxError || (err as FastifyError).statusCode === 400) return new ApiError('INVALID_JSON', err.message);
  if (isStoreUnavailable(err)) {
    // One line, no stack: an outage is logged once by the connection watcher, not per request.
    request.log.warn({ route: request.routeOptions.url, reason: err.message }, 'store unavailable: answered 503');
    void reply.header('retry-after', String(STORE_RETRY_AFTER_SECONDS));
    return new ApiError('STORE_UNAVAILABLE');
  }
  request.log.error({ err }, 'unhandled error');
  return new ApiError('INTERNAL');
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | ApiError, request, reply) => {
    const apiError = toApiError(err, request, reply);
    void reply.status(apiError.status).send(apiError.toBody());
  });
  app.setNotFoundHandler((_request, reply) => {
    const e = new ApiError('NOT_FOUND');
    void reply.status(e.status).send(e.toBody());
  });
}
