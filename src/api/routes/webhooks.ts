// /v1/webhooks: webhook subscriptions (admins only). Create answers the signing secret, once;
// list and get never show it. Test queues a `webhook.test` message to one subscription; PATCH
// {enabled: true} re-enables a disabled one (its failure streak reset:
// consecutiveFailures 0, failingSince null). Deliveries: src/webhooks.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { newUlid } from '../../jobs/new-ulid.ts';
import { z } from 'zod';
import {
  createdWebhook, deliveryJobOptions, parseAllowedNetworks, refusalOf, literalIp, ALLOW_SETTING, testMessage, webhookFilter,
  webhookSubscription, webhookSubscriptionDetail,
} from '../../webhooks/index.ts';
import type { ApiDeps } from '../api-deps.ts';
import { ApiError } from '../api-error.ts';
import { json, v1Errors } from '../openapi.ts';
import { assertAdmin } from '../region-access.ts';

const params = z.object({ id: z.string().describe('a subscription id: `wh_` and a ULID') });
const SUBSCRIPTION_ID = /^wh_[0-9A-Z]{26}$/;

export function webhookRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { subscriptions, queue } = deps.webhooks;
  const allowed = parseAllowedNetworks(deps.config.webhooks.allowedNetworks);
  // Admins only, before the body is even validated: others learn nothing of the shape.
  const adminOnly = { preValidation: async (request: FastifyRequest) => assertAdmin(request.principal!, 'manage webhook subscriptions') };

  const url = z.string().max(2048).superRefine((value, ctx) => {
    let u: URL;
    try {
      u = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an absolute http or https URL' });
      return;
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: `must be http or https, not ${u.protocol.replace(/:$/, '')}` });
    if (u.username || u.password) ctx.addIssue({ code: 'custom', message: 'must not carry a user or password (credentials would be sent to and logged by every hop)' });
    const ip = literalIp(u.hostname);
    const why = ip && refusalOf(ip, allowed);
    if (why) ctx.addIssue({ code: 'custom', message: `webhook url is ${ip}, ${why}; allow it with ${ALLOW_SETTING}` });
  });
  const filter = webhookFilter.superRefine((f, ctx) => {
    f.regions?.forEach((region, i) => {
      if (!deps.regions.has(region)) ctx.addIssue({ code: 'custom', path: ['regions', i], message: `unknown region "${region}"; known: ${[...deps.regions.keys()].join(', ')}` });
    });
  });
  const createBody = z.strictObject({
    url: url.describe('where messages are POSTed: http or https, no credentials; private, loopback and link-local addresses are refused unless allowed'),
    description: z.string().max(500).optional(),
    filter: filter.default({}),
  });

  const find = async (id: string) => {
    const sub = SUBSCRIPTION_ID.test(id) ? await subscriptions.get(id) : null;
    if (!sub) throw new ApiError('WEBHOOK_NOT_FOUND', `no webhook subscription ${id}`);
    return sub;
  };

  r.post('/v1/webhooks', {
    ...adminOnly,
    schema: {
      summary: 'subscribe a URL to events (admins); the answer holds the signing secret, shown only this once',
      body: createBody,
      response: { 201: json('the subscription, with its secret', createdWebhook), ...v1Errors('ADMIN_REQUIRED', 'INVALID_REQUEST') },
    },
  }, async (request, reply) => {
    const { url: target, description, filter: f } = request.body;
    const { subscription, secret } = await subscriptions.create({ url: target, description, filter: f, createdBy: request.principal!.name });
    request.log.info({ subscriptionId: subscription.id, by: request.principal!.name }, 'webhook subscription created');
    return reply.status(201).send({ ...subscription, secret });
  });

  r.get('/v1/webhooks', {
    ...adminOnly,
    schema: {
      summary: 'every webhook subscription (admins), without secrets',
      response: { 200: json('the subscriptions', z.object({ webhooks: z.array(webhookSubscription) })), ...v1Errors('ADMIN_REQUIRED') },
    },
  }, async () => ({ webhooks: await subscriptions.list() }));

  r.get('/v1/webhooks/:id', {
    ...adminOnly,
    schema: {
      summary: 'one webhook subscription (admins), with its last attempts',
      params,
      response: { 200: json('the subscription', webhookSubscriptionDetail), ...v1Errors('ADMIN_REQUIRED', 'WEBHOOK_NOT_FOUND') },
    },
  }, async (request) => find(request.params.id));

  r.delete('/v1/webhooks/:id', {
    ...adminOnly,
    schema: {
      summary: 'delete a webhook subscription (admins); its queued messages are dropped',
      params,
      response: { 204: z.undefined().describe('deleted'), ...v1Errors('ADMIN_REQUIRED', 'WEBHOOK_NOT_FOUND') },
    },
  }, async (request, reply) => {
    const { id } = request.params;
    if (!SUBSCRIPTION_ID.test(id) || !(await subscriptions.delete(id))) throw new ApiError('WEBHOOK_NOT_FOUND', `no webhook subscription ${id}`);
    request.log.info({ subscriptionId: id, by: request.principal!.name }, 'webhook subscription deleted');
    return reply.status(204).send();
  });

  r.patch('/v1/webhooks/:id', {
    ...adminOnly,
    schema: {
      summary: 're-enable a disabled webhook subscription (admins); its failure streak starts again (consecutiveFailures 0, failingSince null); messages dropped while it was disabled are not resent',
      params,
      body: z.strictObject({ enabled: z.literal(true) }),
      response: { 200: json('the subscription', webhookSubscription), ...v1Errors('ADMIN_REQUIRED', 'WEBHOOK_NOT_FOUND', 'INVALID_REQUEST') },
    },
  }, async (request) => {
    const { id } = request.params;
    const sub = SUBSCRIPTION_ID.test(id) ? await subscriptions.enable(id) : null;
    if (!sub) throw new ApiError('WEBHOOK_NOT_FOUND', `no webhook subscription ${id}`);
    request.log.info({ subscriptionId: id, by: request.principal!.name }, 'webhook subscription enabled');
    return sub;
  });

  r.post('/v1/webhooks/:id/test', {
    ...adminOnly,
    schema: {
      summary: 'queue a `webhook.test` message to this subscription (admins); its attempts show in GET /v1/webhooks/{id}',
      params,
      response: {
        202: json('queued', z.object({ subscriptionId: z.string(), webhookId: z.string() })),
        ...v1Errors('ADMIN_REQUIRED', 'WEBHOOK_NOT_FOUND', 'WEBHOOK_DISABLED'),
      },
    },
  }, async (request, reply) => {
    const sub = await find(request.params.id);
    if (!sub.enabled) throw new ApiError('WEBHOOK_DISABLED', `webhook subscription ${sub.id} is disabled (${sub.disabledReason ?? 'no reason recorded'}): enable it first`);
    const testId = `test${newUlid()}`;
    const webhookId = `msg_${sub.id}_${testId}`;
    const body = JSON.stringify(testMessage(sub.id, request.principal!.name, new Date()));
    await queue.add('webhook.test', { subscriptionId: sub.id, webhookId, eventType: 'webhook.test', body }, deliveryJobOptions(`${sub.id}-${testId}`));
    return reply.status(202).send({ subscriptionId: sub.id, webhookId });
  });
}
