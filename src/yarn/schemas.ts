// zod schemas of every ResourceManager answer the client reads (YARN.md, ResourceManager REST).
// Every body is validated: a field YARN renamed or dropped fails loudly here, naming the field,
// instead of surfacing later as `undefined` in a job record. Unknown fields are ignored.

import { z } from 'zod';

export const yarnAppStateSchema = z.enum([
  'NEW', 'NEW_SAVING', 'SUBMITTED', 'ACCEPTED', 'RUNNING', 'FINISHED', 'FAILED', 'KILLED',
]);

export const yarnFinalStatusSchema = z.enum(['UNDEFINED', 'SUCCEEDED', 'FAILED', 'KILLED', 'ENDED']);

/** POST /ws/v1/cluster/apps/new-application */
export const newApplicationResponseSchema = z.object({
  'application-id': z.string().regex(/^application_\d+_\d+$/),
  'maximum-resource-capability': z.object({ memory: z.number(), vCores: z.number() }),
});

/** One application (AppInfo.java). trackingUrl and amContainerLogs are absent until the AM runs;
 * applicationTags is one comma-joined string and missing on RMs older than tags. */
export const appSchema = z.object({
  id: z.string(),
  user: z.string(),
  name: z.string(),
  queue: z.string(),
  state: yarnAppStateSchema,
  finalStatus: yarnFinalStatusSchema,
  diagnostics: z.string().nullish(),
  trackingUrl: z.string().nullish(),
  startedTime: z.number(),
  finishedTime: z.number(),
  applicationTags: z.string().nullish(),
  applicationType: z.string().nullish(),
  amContainerLogs: z.string().nullish(),
});

/** GET /ws/v1/cluster/apps/{id} */
export const appResponseSchema = z.object({ app: appSchema });

const APP_STATES: ReadonlySet<unknown> = new Set(yarnAppStateSchema.options);
const FINAL_STATUSES: ReadonlySet<unknown> = new Set(yarnFinalStatusSchema.options);
const isNullishString = (v: unknown) => v === undefined || v === null || typeof v === 'string';

/**
 * appSchema's check without its copy, for the list that holds every Sluice application (10,000
 * of them every tracker tick): true only for what appSchema accepts, so zod stays the authority
 * (a body this refuses is validated by zod, which accepts it or names the field).
 */
export function isAppBody(v: unknown): v is AppBody {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const a = v as Record<string, unknown>;
  return typeof a.id === 'string' && typeof a.user === 'string' && typeof a.name === 'string' && typeof a.queue === 'string'
    && APP_STATES.has(a.state) && FINAL_STATUSES.has(a.finalStatus)
    && isFiniteNumber(a.startedTime) && isFiniteNumber(a.finishedTime)
    && isNullishString(a.diagnostics) && isNullishString(a.trackingUrl) && isNullishString(a.applicationTags)
    && isNullishString(a.applicationType) && isNullishString(a.amContainerLogs);
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** The applications of a list answer when every one passes isAppBody; null when zod must look. */
export function appsOfListBody(body: unknown): AppBody[] | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const apps = (body as { apps?: unknown }).apps;
  if (apps === null) return [];
  if (typeof apps !== 'object' || apps === undefined || Array.isArray(apps)) return null;
  const app = (apps as { app?: unknown }).app;
  if (app === undefined || app === null) return [];
  if (!Array.isArray(app)) return null;
  for (const a of app) if (!isAppBody(a)) return null;
  return app as AppBody[];
}

/** GET /ws/v1/cluster/apps — an empty result comes as {"apps": null} or {"apps": {}}. */
export const appsResponseSchema = z.object({
  apps: z.object({ app: z.array(appSchema).nullish() }).nullable(),
});

/** GET …/apps/{id}/state, and PUT …/apps/{id}/state's 200 answer once the kill is done. */
// The state endpoints report the RM's internal RMAppState, which has more values than the public
// YarnApplicationState (KILLING, FINAL_SAVING, FINISHING): accept any name here.
export const appStateResponseSchema = z.object({ state: z.string().min(1) });
export const killResponseSchema = appStateResponseSchema;

/** GET /ws/v1/cluster/info, answered by active and standby RMs alike. */
export const clusterInfoResponseSchema = z.object({
  clusterInfo: z.object({
    id: z.number(),
    haState: z.string(),
    resourceManagerVersion: z.string(),
    startedOn: z.number(),
  }),
});

export type AppBody = z.infer<typeof appSchema>;

/** GET /ws/v1/cluster/scheduler (SchedulerTypeInfo): schedulerInfo's shape depends on its type
 * (capacityScheduler, fairScheduler, fifoScheduler), so only the type is checked here. */
export const schedulerResponseSchema = z.object({
  scheduler: z.object({ schedulerInfo: z.looseObject({ type: z.string() }) }),
});

/** One CapacityScheduler queue (CapacitySchedulerQueueInfo; the root is CapacitySchedulerInfo):
 * only what tells leaves, paths, state and auto-creation. Children are checked one by one. */
export const capacityQueueSchema = z.object({
  /** "capacitySchedulerLeafQueueInfo" on leaves; absent on parents; "capacityScheduler" on root. */
  type: z.string().nullish(),
  queueName: z.string().min(1),
  /** root.a.x; reported by Hadoop 3.x. */
  queuePath: z.string().min(1).nullish(),
  /** RUNNING, STOPPED or DRAINING; absent on root. */
  state: z.string().nullish(),
  /** off, legacy or flexible (3.4). */
  autoCreationEligibility: z.string().nullish(),
  autoCreateChildQueueEnabled: z.boolean().nullish(),
  queues: z.object({ queue: z.unknown() }).nullish(),
});

export type CapacityQueueBody = z.infer<typeof capacityQueueSchema>;
