// What buildApp needs, and the one place it is put together (serve, dev and the tests all use
// buildApiDeps), so the app never opens its own connections.

import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { SluiceConfig } from '../config/config.ts';
import { EventHub } from '../events/event-hub.ts';
import { LogClient } from '../logs/log-client.ts';
import { watchQueueDepth } from '../metrics/queue-depth.ts';
import { JobProducer } from '../queue/job-producer.ts';
import { connectRedis, watchQueueErrors } from '../redis/index.ts';
import type { Region } from '../regions/index.ts';
import { AdoptionStore, JobStore, jobStoreOptions, keysFor, RolloutStore } from '../store/index.ts';
import { toJobView } from '../store/index.ts';
import { createWebhooksQueue, startWebhooks, SubscriptionStore, type WebhookJobData, type WebhooksRuntime } from '../webhooks/index.ts';
import type { Queue } from 'bullmq';

export interface ApiDeps {
  config: SluiceConfig;
  regions: ReadonlyMap<string, Region>;
  store: JobStore;
  producer: JobProducer;
  rollouts: RolloutStore;
  adoption: AdoptionStore;
  /** Shared connection for commands (SSE replays too); nothing blocks on it. */
  redis: Redis;
  log: Logger;
  logs: LogClient;
  /** The process's one reader of live events, for every SSE client. */
  events: EventHub;
  /** Webhook subscriptions, and the delivery queue (the Bull Board shows it; startWebhooks works it). */
  webhooks: { subscriptions: SubscriptionStore; queue: Queue<WebhookJobData> };
}

export function buildApiDeps(input: { config: SluiceConfig; regions: ReadonlyMap<string, Region>; redis: Redis; log: Logger }): ApiDeps & { close(): Promise<void> } {
  const { config, redis } = input;
  const keys = keysFor(config.redis.namespace);
  const producer = new JobProducer(redis, keys.ns, input.regions.keys());
  // BullMQ re-emits each reconnect error of the shared connection: one line per outage instead.
  for (const queue of producer.queues()) watchQueueErrors(queue, `queue ${queue.name}`, redis, input.log);
  // Two connections of their own, whatever the number of clients: the hub's XREAD BLOCK and the
  // log replies' subscriber. Both connect on first use.
  const own = (name: string) => connectRedis(config.redis.url, { name, role: 'background', log: input.log, options: { lazyConnect: true } });
  const events = new EventHub({ blocking: own('event-hub'), stream: keys.events, log: input.log.child({ module: 'event-hub' }) });
  const webhooksQueue = createWebhooksQueue(redis, keys.ns);
  watchQueueErrors(webhooksQueue, 'queue webhooks', redis, input.log);
  // Webhook deliveries have no region: the label is left empty (Prometheus drops it).
  const unwatchQueues = watchQueueDepth([...producer.regionQueues(), { region: '', kind: 'webhooks', queue: webhooksQueue }]);
  const logs = new LogClient({ redis, subscriber: own('log-replies'), ns: keys.ns, log: input.log.child({ module: 'log-client' }) });
  return {
    ...input,
    store: new JobStore(redis, keys, jobStoreOptions(config)),
    rollouts: new RolloutStore(redis, keys, config.events.maxLength),
    adoption: new AdoptionStore(redis, keys),
    producer,
    logs,
    events,
    webhooks: { subscriptions: new SubscriptionStore(redis, keys, config.events.maxLength), queue: webhooksQueue },
    // Every step runs even when one fails; none waits on a dead Redis.
    close: async () => {
      unwatchQueues();
      const results = await Promise.allSettled([events.close(), logs.close(), producer.close(), webhooksQueue.close()]);
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}

/** This API process's webhook fan-out and delivery (serve and dev start it when webhooks.enabled). */
export function startApiWebhooks(deps: ApiDeps): WebhooksRuntime {
  return startWebhooks({
    redis: deps.redis,
    jobView: async (id) => {
      const record = await deps.store.get(id);
      return record ? toJobView(record) : null;
    },
    webhooks: deps.webhooks,
  }, deps.config, deps.log.child({ module: 'webhooks' }));
}
