// The ResourceManager port over YARN's REST API (YARN.md): HA failover, typed errors, validated
// answers. All HTTP goes through the region's dispatcher — that is the region's routing — and the
// caller's AbortSignal.

import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { request, type Dispatcher } from 'undici';
import { rmRequestDuration, rmRequests } from '../metrics/catalog.ts';
import type { z } from 'zod';
import { YarnError, errorFromStatus, truncate } from './errors.ts';
import type {
  ApplicationSubmission, ClusterInfo, KillOptions, KillResult, LeafQueues, ListApplicationsQuery, NewApplication,
  ResourceManager, YarnAppState, YarnApplication,
} from './resource-manager.ts';
import { leafQueuesOf } from './scheduler-queues.ts';
import {
  appResponseSchema, appsOfListBody, appsResponseSchema, clusterInfoResponseSchema, killResponseSchema,
  newApplicationResponseSchema, type AppBody,
} from './schemas.ts';

export interface ResourceManagerClientOptions {
  /** Base URLs, e.g. ["http://rm1:8088", "http://rm2:8088"]; one entry when HA is off. */
  resourceManagers: string[];
  user: string;
  /** The region's routing; never the global dispatcher. */
  dispatcher: Dispatcher;
  /** Per HTTP request, on top of the dispatcher's own timeouts. Default 10 s. */
  requestTimeoutMs?: number;
  logger?: Logger;
  /** Names the region in the RM call metrics; without it (a preflight probe) calls aren't counted. */
  region?: string;
}

type Method = 'GET' | 'POST' | 'PUT';
type Operation = 'new-application' | 'submit' | 'get' | 'list' | 'kill' | 'cluster-info' | 'scheduler' | 'probe';

interface Call {
  /** For messages: "submit application_1_0001". */
  step: string;
  /** For metrics: the step without ids, one of a fixed few. */
  operation: Operation;
  method: Method;
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  /** The statuses that mean success. */
  ok: readonly number[];
}

interface Answer {
  rm: string;
  step: string;
  status: number;
  /** undefined when the body was empty. */
  json: unknown;
}

/** Internal only: this RM is not (or no longer) the active one, so look again. Never escapes. */
class NotActive {
  constructor(readonly error: YarnError) {}
}

const APPS = '/ws/v1/cluster/apps';
const CLUSTER_INFO = '/ws/v1/cluster/info';
const SCHEDULER = '/ws/v1/cluster/scheduler';
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_KILL_POLL_MS = 500;
/** A kill still "in progress" after this is reported, not waited on forever. */
const DEFAULT_KILL_DEADLINE_MS = 60_000;

export class ResourceManagerClient implements ResourceManager {
  private readonly rms: string[];
  private readonly user: string;
  private readonly dispatcher: Dispatcher;
  private readonly timeoutMs: number;
  private readonly log: Logger | undefined;
  private readonly region: string | undefined;
  /** Each RM's metrics label: its origin, so a user:password written into its URL never becomes a label. */
  private readonly endpoints: ReadonlyMap<string, string>;
  /** The RM last found ACTIVE; undefined until probed and whenever it stops answering as one. */
  private active: string | undefined;

  constructor(opts: ResourceManagerClientOptions) {
    if (opts.resourceManagers.length === 0) {
      throw new Error('ResourceManagerClient needs at least one ResourceManager URL');
    }
    this.rms = opts.resourceManagers.map((url) => url.replace(/\/+$/, ''));
    this.user = opts.user;
    this.dispatcher = opts.dispatcher;
    this.timeoutMs = opts.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.log = opts.logger; // the caller binds module/region
    this.region = opts.region;
    this.endpoints = new Map(opts.region === undefined ? [] : this.rms.map((rm) => [rm, new URL(rm).origin]));
    // Without HA there is nothing to choose: use the one RM directly, no probe.
    if (this.rms.length === 1) this.active = this.rms[0];
  }

  async newApplication(signal?: AbortSignal): Promise<NewApplication> {
    const answer = await this.call(
      { step: 'new-application', operation: 'new-application', method: 'POST', path: `${APPS}/new-application`, ok: [200] },
      signal,
    );
    const body = parse(newApplicationResponseSchema, answer);
    const max = body['maximum-resource-capability'];
    return { applicationId: body['application-id'], maximumResource: { memoryMb: max.memory, vcores: max.vCores } };
  }

  async submitApplication(submission: ApplicationSubmission, signal?: AbortSignal): Promise<void> {
    await this.call({
      step: `submit ${submission.applicationId}`,
      operation: 'submit',
      method: 'POST',
      path: APPS,
      body: toSubmissionContext(submission),
      ok: [202],
    }, signal);
  }

  async getApplication(id: string, signal?: AbortSignal): Promise<YarnApplication> {
    const answer = await this.call({ step: `get ${id}`, operation: 'get', method: 'GET', path: appPath(id), ok: [200] }, signal);
    return toYarnApplication(parse(appResponseSchema, answer).app);
  }

  async listApplications(query: ListApplicationsQuery, signal?: AbortSignal): Promise<YarnApplication[]> {
    const answer = await this.call({
      step: 'list applications',
      operation: 'list',
      method: 'GET',
      path: APPS,
      query: {
        states: query.states?.length ? query.states.join(',') : undefined,
        // The RM stores tags lowercased; lowercase the filter too so a mixed-case tag still matches.
        applicationTags: query.tags?.length ? query.tags.map((t) => t.toLowerCase()).join(',') : undefined,
        finishedTimeBegin: query.finishedTimeBegin?.toString(),
        limit: query.limit?.toString(),
      },
      ok: [200],
    }, signal);
    // The common case checked without zod's copy of every application; zod decides the rest.
    const checked = appsOfListBody(answer.json) ?? parse(appsResponseSchema, answer).apps?.app ?? [];
    const apps = new Array<YarnApplication>(checked.length);
    for (let i = 0; i < checked.length; i++) apps[i] = toYarnApplication(checked[i]!);
    return apps;
  }

  async requestKill(id: string, diagnostics: string, signal?: AbortSignal): Promise<KillResult> {
    const answer = await this.call({
      step: `kill ${id}`,
      operation: 'kill',
      method: 'PUT',
      path: `${appPath(id)}/state`,
      body: { state: 'KILLED', diagnostics },
      ok: [200, 202],
    }, signal);
    // 202: the kill is under way, ask again. 200: done (or the app had already ended), with its state.
    if (answer.status === 202) return { done: false };
    return { done: true, state: parse(killResponseSchema, answer).state };
  }

  async kill(
    id: string,
    diagnostics: string,
    opts: KillOptions = {},
  ): Promise<string> {
    const { signal, pollMs = DEFAULT_KILL_POLL_MS, deadlineMs = DEFAULT_KILL_DEADLINE_MS } = opts;
    const giveUpAt = Date.now() + deadlineMs;
    for (;;) {
      const result = await this.requestKill(id, diagnostics, signal);
      if (result.done) return result.state;
      if (Date.now() + pollMs > giveUpAt) {
        throw new YarnError('KILL_TIMEOUT', { step: `kill ${id}`, message: `kill ${id}: still in progress after ${deadlineMs} ms` });
      }
      try {
        await sleep(pollMs, undefined, signal ? { signal } : {});
      } catch (err) {
        throw new YarnError('ABORTED', { step: `kill ${id}`, cause: err });
      }
    }
  }

  async clusterInfo(signal?: AbortSignal): Promise<ClusterInfo> {
    const answer = await this.call({ step: 'cluster info', operation: 'cluster-info', method: 'GET', path: CLUSTER_INFO, ok: [200] }, signal);
    const { clusterInfo: info } = parse(clusterInfoResponseSchema, answer);
    return {
      clusterId: info.id,
      haState: info.haState,
      resourceManagerVersion: info.resourceManagerVersion,
      startedOn: info.startedOn,
    };
  }

  async leafQueues(signal?: AbortSignal): Promise<LeafQueues> {
    const answer = await this.call({ step: 'scheduler queues', operation: 'scheduler', method: 'GET', path: SCHEDULER, ok: [200] }, signal);
    // A 200 whose shape we don't understand is "the RM can't say" (names null, with why), not an error.
    return leafQueuesOf(answer.json);
  }

  /**
   * One call on the active RM. If that RM turns out not to be active (307, connection error,
   * non-JSON answer), find the active one again and repeat the call once there. Repeating is safe
   * for every call: reads trivially, submit because a same-id submit is a no-op, kill because it
   * is idempotent, new-application at worst leaves an unused id.
   */
  private async call(call: Call, signal?: AbortSignal): Promise<Answer> {
    const rm = this.active ?? (await this.findActive(call.step, signal));
    try {
      return await this.attempt(rm, call, signal);
    } catch (err) {
      if (err instanceof YarnError && err.code === 'TIMEOUT') this.forget(rm);
      if (!(err instanceof NotActive)) throw err;
      this.forget(rm);
      if (this.rms.length === 1) throw err.error;
      this.log?.info({ rm, err: err.error }, 'ResourceManager is not active; looking for the active one');
    }
    const next = await this.findActive(call.step, signal);
    try {
      return await this.attempt(next, call, signal);
    } catch (err) {
      if (err instanceof YarnError && err.code === 'TIMEOUT') this.forget(next);
      if (!(err instanceof NotActive)) throw err;
      this.forget(next);
      throw err.error;
    }
  }

  /** Forgets a cached active RM so the next call probes again (a timeout may be a hung RM). */
  private forget(rm: string): void {
    if (this.rms.length > 1 && this.active === rm) this.active = undefined;
  }

  /** Asks every RM for its haState (all at once: a dead one shouldn't delay the rest). */
  private async findActive(step: string, signal?: AbortSignal): Promise<string> {
    const probe: Call = { step: 'probe', operation: 'probe', method: 'GET', path: CLUSTER_INFO, ok: [200] };
    const seen = await Promise.all(this.rms.map(async (rm) => {
      try {
        const answer = await this.attempt(rm, probe, signal);
        return { rm, haState: parse(clusterInfoResponseSchema, answer).clusterInfo.haState };
      } catch (err) {
        return { rm, error: err instanceof NotActive ? err.error : err };
      }
    }));
    if (signal?.aborted) throw new YarnError('ABORTED', { step, cause: signal.reason });
    const active = seen.find((s) => s.haState === 'ACTIVE');
    if (active) {
      if (this.active !== active.rm) this.log?.info({ rm: active.rm }, 'active ResourceManager found');
      this.active = active.rm;
      return active.rm;
    }
    const unreachable = seen.every(
      (s) => s.error instanceof YarnError && (s.error.code === 'RM_UNREACHABLE' || s.error.code === 'TIMEOUT'),
    );
    const states = seen.map((s) => (s.haState ? `${s.rm} is ${s.haState}` : describe(s.error))).join('; ');
    throw new YarnError(unreachable ? 'RM_UNREACHABLE' : 'NO_ACTIVE_RM', {
      step,
      message: `${unreachable ? 'no ResourceManager could be reached' : 'no ResourceManager is active'} (${states})`,
      cause: seen.map((s) => s.error).filter((e) => e !== undefined),
    });
  }

  /** One HTTP request to one RM, counted and timed per region, RM, operation and outcome. */
  private async attempt(rm: string, call: Call, signal?: AbortSignal): Promise<Answer> {
    if (this.region === undefined) return this.attemptOnce(rm, call, signal);
    const labels = { region: this.region, endpoint: this.endpoints.get(rm) ?? rm, operation: call.operation };
    const stop = rmRequestDuration.startTimer(labels);
    let outcome = 'ok';
    try {
      return await this.attemptOnce(rm, call, signal);
    } catch (err) {
      // Error codes come from YARN_ERRORS: a bounded set.
      outcome = err instanceof NotActive ? err.error.code : err instanceof YarnError ? err.code : 'error';
      throw err;
    } finally {
      stop();
      rmRequests.inc({ ...labels, outcome });
    }
  }

  /** One HTTP request to one RM. Throws YarnError, or NotActive when another RM may do better. */
  private async attemptOnce(rm: string, call: Call, signal?: AbortSignal): Promise<Answer> {
    const where = { rmUrl: rm, step: call.step };
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(call.query ?? {})) if (value !== undefined) params.set(key, value);
    params.set('user.name', this.user); // security off: YARN's only notion of who calls (YARN.md)
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const started = performance.now();
    let status: number | undefined;
    let location: string | undefined;
    let text: string;
    try {
      const res = await request(`${rm}${call.path}?${params}`, {
        dispatcher: this.dispatcher,
        method: call.method,
        headers: call.body === undefined
          ? { accept: 'application/json' }
          : { accept: 'application/json', 'content-type': 'application/json' },
        body: call.body === undefined ? null : JSON.stringify(call.body),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      status = res.statusCode;
      const loc = res.headers['location'];
      location = Array.isArray(loc) ? loc[0] : loc;
      // Always read the body: it frees the connection, and error bodies carry the message.
      text = await res.body.text();
    } catch (err) {
      if (signal?.aborted) throw new YarnError('ABORTED', { ...where, cause: err });
      if (timeout.aborted || isUndiciTimeout(err)) {
        throw new YarnError('TIMEOUT', { ...where, message: `no answer within ${this.timeoutMs} ms`, cause: err });
      }
      throw new NotActive(new YarnError('RM_UNREACHABLE', { ...where, message: errorText(err), cause: err }));
    } finally {
      // The path only: the query carries user.name, and nothing of the bodies is logged.
      const ms = Math.round(performance.now() - started);
      this.log?.debug({ rm, method: call.method, path: call.path, status, ms }, 'ResourceManager call');
    }

    if (status === 307) {
      // A standby redirects to the active RM; without Location there is no active RM yet. Either way
      // probe our own list rather than follow Location: it names the RM as the RM's config spells
      // it, which need not be an address the region's routing reaches.
      const message = location
        ? `307 standby, redirects to ${location}`
        : `307 ${truncate(text) || 'without Location'}`;
      throw new NotActive(new YarnError('NO_ACTIVE_RM', { ...where, status, message }));
    }
    if (status >= 400) throw errorFromStatus(status, text, where);

    let json: unknown;
    if (text.trim() !== '') {
      try {
        json = JSON.parse(text);
      } catch (err) {
        // While RMs elect, a plain 200 "There is no active RM right now." arrives: never a success.
        const code = /no active RM/i.test(text) ? 'NO_ACTIVE_RM' : 'BAD_RESPONSE';
        const message = `${status} not JSON: ${truncate(text)}`;
        throw new NotActive(new YarnError(code, { ...where, status, message, cause: err }));
      }
    }
    if (!call.ok.includes(status)) {
      const message = `unexpected status ${status}${text ? `: ${truncate(text)}` : ''}`;
      throw new YarnError('BAD_RESPONSE', { ...where, status, message });
    }
    return { rm, step: call.step, status, json };
  }
}

/** YARN's ApplicationSubmissionContextInfo JSON, shaped as the example in YARN.md. */
export function toSubmissionContext(s: ApplicationSubmission): Record<string, unknown> {
  return {
    'application-id': s.applicationId,
    'application-name': s.name,
    'application-type': s.type,
    queue: s.queue,
    'max-app-attempts': s.maxAppAttempts,
    'application-tags': { tag: s.tags },
    resource: { memory: s.amResource.memoryMb, vCores: s.amResource.vcores },
    'am-container-spec': {
      'local-resources': {
        entry: Object.entries(s.localResources).map(([key, r]) => ({
          key,
          value: {
            resource: r.resource, type: r.type, visibility: r.visibility, size: r.size, timestamp: r.timestamp,
          },
        })),
      },
      environment: { entry: Object.entries(s.environment).map(([key, value]) => ({ key, value })) },
      commands: { command: s.command },
    },
  };
}

function toYarnApplication(app: AppBody): YarnApplication {
  return {
    id: app.id,
    name: app.name,
    user: app.user,
    queue: app.queue,
    state: app.state,
    finalStatus: app.finalStatus,
    diagnostics: app.diagnostics ?? '',
    trackingUrl: app.trackingUrl || null,
    startedTime: app.startedTime,
    finishedTime: app.finishedTime,
    tags: splitTags(app.applicationTags),
    applicationType: app.applicationType ?? '',
    amContainerLogs: app.amContainerLogs || null,
  };
}

/** One comma-joined string on the wire; "" when the app has none. One array per app when clean (the RM's own). */
function splitTags(joined: string | null | undefined): string[] {
  if (!joined) return [];
  const parts = joined.split(',');
  for (const p of parts) if (p === '' || p.length !== p.trim().length) return parts.map((t) => t.trim()).filter((t) => t !== '');
  return parts;
}

function appPath(id: string): string {
  return `${APPS}/${encodeURIComponent(id)}`;
}

/** Validates a body; a failure names the first offending field, e.g. "app.state". */
function parse<T>(schema: z.ZodType<T>, answer: Answer): T {
  const result = schema.safeParse(answer.json);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : '(body)';
  throw new YarnError('BAD_RESPONSE', {
    rmUrl: answer.rm,
    step: answer.step,
    status: answer.status,
    message: `${answer.status} field ${field}: ${issue?.message ?? 'invalid'}`,
  });
}

function isUndiciTimeout(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message || err.name : String(err);
}

function describe(err: unknown): string {
  return err instanceof YarnError ? err.message : errorText(err);
}
