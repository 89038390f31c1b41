// Job records in Redis: one hash per job, an index for listing, idempotency keys, the application
// id reservation, and each region's tracked applications. State changes go through one Lua script
// (lua-scripts.ts) that also appends the event, atomically.

import { ReplyError, type Redis } from 'ioredis';
import { normalizeChild, parseJobState, type Job, type JobRollout, type JobSpec, type JobState, type KillReason, type ShadowReport } from '../jobs/index.ts';
import { ADOPTION_KEEP_SECONDS, adoptionDay, adoptionField } from './adoption-fields.ts';
import type { Keys } from './keys.ts';
import { LuaScript } from './lua-script.ts';
import { CREATE_JOB, FORGET_IDEMPOTENCY_KEY, RESERVE_APPLICATION_ID, SWEEP_JOB, TAKE_FOR_SUBMIT, TRANSITION } from './lua-scripts.ts';
import { observeCreated, observeTransition } from './job-metrics.ts';

/** The stored job: the API view plus what the worker needs. */
export interface JobRecord extends Job {
  spec: JobSpec;
  /** Set once, by set-if-absent, before the submit (exactly-once protocol step 2). */
  applicationId: string | null;
  /** When YARN accepted the application (ms); the timeout counts from here. */
  submittedAtMs: number | null;
  timeoutSeconds: number;
  /** When it was recorded, on Redis's clock (ms); null for a record older than this field. */
  redisCreatedMs: number | null;
}

export interface NewJob {
  id: string;
  spec: JobSpec;
  principal: string;
  timeoutSeconds: number;
  idempotency: { key: string; bodyHash: string } | null;
  /** The rollout mode it is accepted under. */
  rollout?: JobRollout;
  /** Shadow mode: the report; the job is created SHADOWED (terminal) and never queued. */
  shadow?: ShadowReport;
}

export type CreateResult =
  | { created: true; job: JobRecord }
  | { created: false; existingJobId: string; bodyHash: string };

export interface TransitionPatch {
  application?: Job['application'];
  applicationId?: string;
  error?: Job['error'];
  cancel?: Job['cancel'];
  killReason?: KillReason;
  submittedAtMs?: number;
  childApplications?: Job['childApplications'];
}

export interface TransitionOptions {
  /** Start tracking this application in the same step (ACCEPTED is never apart from tracked). */
  track?: { applicationId: string; submittedAtMs: number };
}

export interface JobStoreOptions {
  idempotencyTtlSeconds: number;
  eventsMaxLength: number;
  /** How long a finished job (record, index entry, events, idempotency key) is kept. */
  retentionSeconds: number;
  /** Epoch ms; injected so retention is tested with a controllable clock, not by waiting. */
  now?: () => number;
}

export type TransitionOutcome = 'ok' | 'missing' | 'terminal' | 'conflict';

export interface TransitionResult {
  outcome: TransitionOutcome;
  previous: JobState | null;
  eventId: string | null;
}

export interface ListFilter {
  region?: string;
  state?: JobState;
  label?: { key: string; value: string };
  limit: number;
  cursor?: string;
  /** Extra filter, e.g. the caller's regions. */
  visible?: (job: JobRecord) => boolean;
}

type Fields = Record<string, string>;

/** Where take-for-submit may move a job: on to SUBMITTING, to PREFLIGHT only, or nowhere (read). */
export type TakeUntil = 'SUBMITTING' | 'PREFLIGHT' | 'read';

export interface Taken {
  /** The state the job was in when taken. */
  previous: JobState;
  /** The record after the moves (its state is where the take left it). */
  job: JobRecord;
}

const createJob = new LuaScript('sluiceCreateJob', CREATE_JOB);
const transitionJob = new LuaScript('sluiceTransition', TRANSITION);
const takeForSubmit = new LuaScript('sluiceTakeForSubmit', TAKE_FOR_SUBMIT);
const reserveApplicationId = new LuaScript('sluiceReserveApplicationId', RESERVE_APPLICATION_ID);
const forgetIdempotencyKey = new LuaScript('sluiceForgetIdempotencyKey', FORGET_IDEMPOTENCY_KEY);
const sweepJob = new LuaScript('sluiceSweepJob', SWEEP_JOB);

const MAX_REMEMBERED_REGIONS = 50_000;

export class JobStore {
  /** A job's region never changes: remembered so each transition can name its region's keys. */
  private readonly regions = new Map<string, string>();
  private readonly now: () => number;

  constructor(
    private readonly redis: Redis,
    readonly keys: Keys,
    private readonly opts: JobStoreOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  async create(input: NewJob): Promise<CreateResult> {
    const first = await this.tryCreate(input);
    if (first.created || !input.idempotency) return first;
    // A key whose job is gone (retention deleted it) must not answer for it: forget it, once.
    if (await this.redis.exists(this.keys.job(first.existingJobId))) return first;
    await this.forgetIdempotencyKey(input.principal, input.idempotency.key, first.existingJobId, first.bodyHash);
    return this.tryCreate(input);
  }

  /** Forgets a key while it still names `jobId` with `bodyHash` (compare-and-delete). */
  async forgetIdempotencyKey(principal: string, key: string, jobId: string, bodyHash: string): Promise<void> {
    await forgetIdempotencyKey.run(this.redis, [this.keys.idempotency(principal, key)], [`${jobId} ${bodyHash}`]);
  }

  private async tryCreate(input: NewJob): Promise<CreateResult> {
    const nowMs = this.now();
    const now = new Date(nowMs).toISOString();
    const { spec } = input;
    const state: JobState = input.shadow ? 'SHADOWED' : 'QUEUED';
    const record: JobRecord = {
      id: input.id, region: spec.region, name: spec.name, kind: spec.kind, state,
      createdAt: now, updatedAt: now, finishedAt: input.shadow ? now : null, principal: input.principal,
      idempotencyKey: input.idempotency?.key ?? null, labels: spec.labels,
      application: null, childApplications: [], error: null, cancel: null, killReason: null,
      rollout: input.rollout ?? null, shadow: input.shadow ?? null,
      spec, applicationId: null, submittedAtMs: null, timeoutSeconds: input.timeoutSeconds, redisCreatedMs: null,
    };
    const idemKey = input.idempotency ? this.keys.idempotency(input.principal, input.idempotency.key) : this.keys.job(input.id);
    const idemValue = input.idempotency ? `${input.id} ${input.idempotency.bodyHash}` : '';
    const counted = input.shadow ? adoptionField(input.shadow.wouldRun ? 'SHADOWED_RUN' : 'SHADOWED_NOT', spec.labels) : '';
    const reply = (await createJob.run(this.redis, [
      idemKey, this.keys.job(input.id), this.keys.jobIndex, this.keys.events, this.keys.jobEvents(input.id), this.keys.pending(spec.region),
      this.keys.finished(spec.region), this.keys.adoption(spec.region, adoptionDay(nowMs)),
    ], [
      input.id, idemValue, String(this.opts.idempotencyTtlSeconds), String(this.opts.eventsMaxLength), now, String(nowMs),
      state, counted, String(this.opts.retentionSeconds), String(ADOPTION_KEEP_SECONDS),
      ...Object.entries(toFields(record)).flat(),
    ])) as [string, string];
    if (reply[0] === 'exists') {
      const [existingJobId, bodyHash] = reply[1].split(' ') as [string, string];
      return { created: false, existingJobId, bodyHash };
    }
    observeCreated(record);
    return { created: true, job: record };
  }

  /** The job an Idempotency-Key names (with the hash of the body it was first sent with), if any. */
  async findByIdempotencyKey(principal: string, key: string): Promise<{ jobId: string; bodyHash: string } | null> {
    const value = await this.redis.get(this.keys.idempotency(principal, key));
    if (!value) return null;
    const [jobId, bodyHash] = value.split(' ') as [string, string];
    return { jobId, bodyHash };
  }

  async get(id: string): Promise<JobRecord | null> {
    const fields = await this.redis.hgetall(this.keys.job(id));
    return fields.id ? fromFields(fields) : null;
  }

  /**
   * Moves a job to `to` (or keeps its state when `to` is null) and applies `patch`, in one step with
   * its event. Only moves in JOB_TRANSITIONS happen (anything else is a 'conflict'); a terminal
   * job is never changed; `from` restricts further which states may move.
   */
  async transition(id: string, to: JobState | null, patch: TransitionPatch = {}, from?: JobState[], opts: TransitionOptions = {}): Promise<TransitionResult> {
    const region = await this.regionOf(id);
    if (region === null) return { outcome: 'missing', previous: null, eventId: null };
    const fields: Fields = {};
    if (patch.application !== undefined) fields.application = JSON.stringify(patch.application);
    if (patch.applicationId !== undefined) fields.applicationId = patch.applicationId;
    if (patch.error !== undefined) fields.error = JSON.stringify(patch.error);
    if (patch.cancel !== undefined) fields.cancel = JSON.stringify(patch.cancel);
    if (patch.killReason !== undefined) fields.killReason = patch.killReason;
    if (patch.submittedAtMs !== undefined) fields.submittedAtMs = String(patch.submittedAtMs);
    if (patch.childApplications !== undefined) fields.childApplications = JSON.stringify(patch.childApplications);
    if (opts.track) fields.applicationId = opts.track.applicationId;
    const nowMs = this.now();
    // A job that was never queued (ENQUEUE_FAILED) did not run on Sluice: not in the migration view.
    const countAdoption = patch.error?.code === 'ENQUEUE_FAILED' ? '0' : '1';
    const reply = (await transitionJob.run(this.redis, [
      this.keys.job(id), this.keys.events, this.keys.jobEvents(id),
      this.keys.tracked(region), this.keys.appJobs(region), this.keys.finished(region), this.keys.pending(region), this.keys.reconcile(region),
      this.keys.adoption(region, adoptionDay(nowMs)),
    ], [
      to ?? '', (from ?? []).join(','), new Date(nowMs).toISOString(), String(this.opts.eventsMaxLength),
      patch.application ? JSON.stringify(patch.application) : '',
      String(nowMs), String(this.opts.retentionSeconds),
      opts.track?.applicationId ?? '', String(opts.track?.submittedAtMs ?? 0),
      countAdoption, String(ADOPTION_KEEP_SECONDS),
      ...Object.entries(fields).flat(),
    ])) as [TransitionOutcome, string, string, string?, string?];
    const previous = reply[1] ? parseJobState(reply[1]) : null;
    if (reply[2] && previous && to && to !== previous) observeTransition({ region, kind: reply[3] ?? '', createdAt: reply[4] ?? '' }, previous, to, nowMs);
    return { outcome: reply[0], previous, eventId: reply[2] || null };
  }

  /**
   * The submit step's first read and moves in one round trip (take-for-submit): the record, moved
   * QUEUED → PREFLIGHT → SUBMITTING as far as `until` allows, an event per move. Null: no such job.
   */
  async takeForSubmit(id: string, until: TakeUntil): Promise<Taken | null> {
    const nowMs = this.now();
    const [previous, state, flat] = (await takeForSubmit.run(this.redis, [this.keys.job(id), this.keys.events, this.keys.jobEvents(id)], [
      new Date(nowMs).toISOString(), String(this.opts.eventsMaxLength), until === 'read' ? '' : until,
    ])) as [string, string, string[]];
    if (!previous) return null;
    const fields: Fields = {};
    for (let i = 0; i < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
    const job = fromFields(fields);
    this.remember(id, job.region);
    const from = parseJobState(previous);
    if (state !== previous) {
      if (from === 'QUEUED') observeTransition(job, 'QUEUED', 'PREFLIGHT', nowMs);
      if (job.state === 'SUBMITTING') observeTransition(job, 'PREFLIGHT', 'SUBMITTING', nowMs);
    }
    return { previous: from, job };
  }

  /** Exactly-once step 2: store the application id only if none is stored; returns the one stored. */
  async reserveApplicationId(id: string, applicationId: string): Promise<string> {
    return (await reserveApplicationId.run(this.redis, [this.keys.job(id)], [applicationId])) as string;
  }

  async list(filter: ListFilter): Promise<{ jobs: JobRecord[]; nextCursor: string | null }> {
    // Ids are ULIDs: lexicographic order is creation order, so the index is read newest first by lex.
    const jobs: JobRecord[] = [];
    let cursor = filter.cursor;
    const pageSize = Math.max(filter.limit, 100);
    for (let pages = 0; pages < 20 && jobs.length < filter.limit; pages++) {
      const page = await this.redis.zrevrangebylex(this.keys.jobIndex, cursor ? `(${cursor}` : '+', '-', 'LIMIT', 0, pageSize);
      if (page.length === 0) return { jobs, nextCursor: null };
      for (const id of page) {
        cursor = id;
        const job = await this.get(id);
        if (job && matches(job, filter)) jobs.push(job);
        if (jobs.length === filter.limit) return { jobs, nextCursor: id };
      }
      if (page.length < pageSize) return { jobs, nextCursor: null };
    }
    return { jobs, nextCursor: cursor ?? null };
  }

  /** Drops a tracked entry whose job is gone or was never this app's (a live job untracks by its terminal move). */
  async untrackApplication(region: string, applicationId: string): Promise<void> {
    await this.redis.multi()
      .zrem(this.keys.tracked(region), applicationId)
      .hdel(this.keys.appJobs(region), applicationId)
      .exec();
  }

  /** The region's tracked applications: application id → { jobId, submittedAtMs }. */
  async trackedApplications(region: string): Promise<Map<string, { jobId: string; submittedAtMs: number }>> {
    const [withScores, appJobs] = await Promise.all([
      this.redis.zrange(this.keys.tracked(region), 0, -1, 'WITHSCORES'),
      this.redis.hgetall(this.keys.appJobs(region)),
    ]);
    const tracked = new Map<string, { jobId: string; submittedAtMs: number }>();
    for (let i = 0; i < withScores.length; i += 2) {
      const appId = withScores[i]!;
      const jobId = appJobs[appId];
      if (jobId) tracked.set(appId, { jobId, submittedAtMs: Number(withScores[i + 1]) });
    }
    return tracked;
  }

  /**
   * Retention: deletes up to `limit` jobs of the region that finished before `cutoffMs` — record,
   * index entry, event stream, idempotency key. Returns the ids deleted.
   */
  async sweepFinished(region: string, cutoffMs: number, limit = 200): Promise<string[]> {
    const due = await this.redis.zrangebyscore(this.keys.finished(region), '-inf', cutoffMs, 'LIMIT', 0, limit);
    const deleted: string[] = [];
    for (const id of due) {
      const [principal, idemKey] = await this.redis.hmget(this.keys.job(id), 'principal', 'idempotencyKey');
      const idem = principal && idemKey ? this.keys.idempotency(principal, idemKey) : this.keys.job(id);
      const done = await sweepJob.run(this.redis, [this.keys.job(id), this.keys.jobEvents(id), this.keys.jobIndex, this.keys.finished(region), idem], [id, String(cutoffMs)]);
      if (done === 1) {
        deleted.push(id);
        this.regions.delete(id);
      }
    }
    return deleted;
  }

  /** Jobs recorded before `cutoffMs` and still neither tracked on YARN nor ended. */
  async pendingBefore(region: string, cutoffMs: number, limit = 100): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.pending(region), '-inf', cutoffMs, 'LIMIT', 0, limit);
  }

  async forgetPending(region: string, jobId: string): Promise<void> {
    await this.redis.zrem(this.keys.pending(region), jobId);
  }

  /** A submit that gave up after YARN may have accepted it: reconciliation decides the job's end. */
  async markForReconcile(region: string, jobId: string): Promise<void> {
    await this.redis.zadd(this.keys.reconcile(region), this.now(), jobId);
  }

  async toReconcile(region: string, limit = 100): Promise<string[]> {
    return this.redis.zrange(this.keys.reconcile(region), 0, limit - 1);
  }

  async reconciled(region: string, jobId: string): Promise<void> {
    await this.redis.zrem(this.keys.reconcile(region), jobId);
  }

  private async regionOf(id: string): Promise<string | null> {
    const known = this.regions.get(id);
    if (known) return known;
    const region = await this.redis.hget(this.keys.job(id), 'region');
    if (region) this.remember(id, region);
    return region;
  }

  private remember(id: string, region: string): void {
    // A bounded memo, not a cache of every job: dropping it costs one HGET per job.
    if (this.regions.size >= MAX_REMEMBERED_REGIONS) this.regions.clear();
    this.regions.set(id, region);
  }

  /**
   * The tracker's view of many jobs in one round trip (a pipeline of HMGETs): only the fields it
   * decides by, not the records with their specs. null for a job that is gone. Each job's region
   * goes into the memo transition() names its keys by, so a change costs no extra read.
   */
  async trackingFields(ids: readonly string[]): Promise<(TrackingFields | UnreadableRecord | null)[]> {
    if (ids.length === 0) return [];
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hmget(this.keys.job(id), ...TRACKING_FIELDS);
    const replies = (await pipe.exec()) ?? [];
    return ids.map((id, i) => {
      const [err, values] = replies[i] ?? [new Error('no reply')];
      // One record that cannot be read (an error reply for its key, a field that does not parse) is
      // that job's problem, not the region's: the others are tracked as usual. A lost connection is
      // not a record's problem: it stops the tick.
      if (err) {
        if (!(err instanceof ReplyError)) throw err;
        return { unreadable: err.message };
      }
      try {
        const [state, region, application, timeoutSeconds, killReason, cancel, children] = values as (string | null)[];
        if (!state || !region) return null;
        if (!this.regions.has(id)) this.remember(id, region);
        return {
          state: parseJobState(state),
          application: application ? (JSON.parse(application) as Job['application']) : null,
          timeoutSeconds: Number(timeoutSeconds),
          killReason: (killReason || null) as KillReason | null,
          cancelled: !!cancel && JSON.parse(cancel) !== null,
          childApplications: children ? (JSON.parse(children) as Job['childApplications']).map(normalizeChild) : [],
        };
      } catch (parseErr) {
        return { unreadable: (parseErr as Error).message };
      }
    });
  }
}

const TRACKING_FIELDS = ['state', 'region', 'application', 'timeoutSeconds', 'killReason', 'cancel', 'childApplications'] as const;

/** A tracked job whose record could not be read this time: why. */
export interface UnreadableRecord {
  unreadable: string;
}

/** What JobStore.trackingFields reads of a job. */
export interface TrackingFields {
  state: JobState;
  application: Job['application'];
  timeoutSeconds: number;
  killReason: KillReason | null;
  /** A cancel was requested. */
  cancelled: boolean;
  childApplications: Job['childApplications'];
}

function matches(job: JobRecord, f: ListFilter): boolean {
  if (f.region && job.region !== f.region) return false;
  if (f.state && job.state !== f.state) return false;
  if (f.label && job.labels[f.label.key] !== f.label.value) return false;
  return f.visible ? f.visible(job) : true;
}

function toFields(r: JobRecord): Fields {
  return {
    id: r.id, region: r.region, name: r.name, kind: r.kind, state: r.state,
    createdAt: r.createdAt, updatedAt: r.updatedAt, principal: r.principal,
    idempotencyKey: r.idempotencyKey ?? '', labels: JSON.stringify(r.labels), spec: JSON.stringify(r.spec),
    timeoutSeconds: String(r.timeoutSeconds),
    ...(r.finishedAt ? { finishedAt: r.finishedAt } : {}),
    ...(r.rollout ? { rollout: JSON.stringify(r.rollout) } : {}),
    ...(r.shadow ? { shadow: JSON.stringify(r.shadow) } : {}),
  };
}

function fromFields(f: Fields): JobRecord {
  const json = <T>(v: string | undefined): T | null => (v ? (JSON.parse(v) as T) : null);
  return {
    id: f.id!, region: f.region!, name: f.name!, kind: f.kind!, state: parseJobState(f.state!),
    createdAt: f.createdAt!, updatedAt: f.updatedAt!, finishedAt: f.finishedAt || null,
    principal: f.principal!, idempotencyKey: f.idempotencyKey || null,
    labels: json<Record<string, string>>(f.labels) ?? {},
    application: json(f.application), childApplications: (json<Job['childApplications']>(f.childApplications) ?? []).map(normalizeChild),
    error: json(f.error), cancel: json(f.cancel),
    killReason: (f.killReason || null) as KillReason | null,
    rollout: json<JobRollout>(f.rollout), shadow: json<ShadowReport>(f.shadow),
    spec: json<JobSpec>(f.spec)!, applicationId: f.applicationId || null,
    submittedAtMs: f.submittedAtMs ? Number(f.submittedAtMs) : null,
    timeoutSeconds: Number(f.timeoutSeconds),
    redisCreatedMs: f.redisCreatedMs ? Number(f.redisCreatedMs) : null,
  };
}

/** The API view of a record: the stored spec and worker fields stay inside. */
export function toJobView(r: JobRecord): Job {
  const { spec: _spec, applicationId: _a, submittedAtMs: _s, timeoutSeconds: _t, redisCreatedMs: _r, ...view } = r;
  return view;
}
