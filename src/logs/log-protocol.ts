// Job logs travel from the region's worker (the only process that may talk to YARN) to the API
// over Redis. The API pushes a request on the region's list; the worker stores the reply under a
// key made from the request id and PUBLISHes the request id on the API process's own channel,
// which that process subscribes to once (one connection, however many reads and follows). The
// reply itself is not published: a log tail can exceed Redis's pub/sub output buffer limit.
//
// The worker trusts nothing in a request: it writes only to keys it derives itself
// (`<ns>:log-reply:<uuid>`) and publishes only on channels of the namespace's reply pattern.
// Request and reply shapes, keys and channels live here for both sides.

import { z } from 'zod';

export const LOG_FILES = ['stdout', 'stderr'] as const;
export type LogFile = (typeof LOG_FILES)[number];

/** YARN's application id: application_<cluster timestamp>_<sequence>. */
export const APPLICATION_ID = /^application_\d{10,16}_\d{4,10}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const logRequest = z.strictObject({
  /** Names the reply key and is what the worker publishes. */
  requestId: z.string().regex(UUID),
  /** The asking API process's channel: must match logReplyChannelPattern(ns). */
  replyTo: z.string(),
  jobId: z.string().regex(/^job_[0-9A-Z]{26}$/),
  file: z.enum(LOG_FILES),
  /**
   * Another of the job's applications than its own (a child: a Spark application's driver, a
   * MapReduce run's AM): its AM container's file is read. Must be on the job's record.
   */
  applicationId: z.string().regex(APPLICATION_ID).optional(),
  /** Byte offset already seen by the caller: the reply carries what follows. */
  offset: z.int().min(0),
  /** Epoch ms after which nobody waits for the answer: a worker back from a pause skips it. */
  deadline: z.number(),
});
export type LogRequest = z.infer<typeof logRequest>;

export type LogReply =
  | { ok: true; text: string; nextOffset: number }
  | { ok: false; code: 'NO_APPLICATION' | 'LOGS_NOT_FOUND' | 'YARN_ERROR'; message: string };

export const logRequestsKey = (ns: string, region: string) => `${ns}:region:${region}:log-requests`;
export const logReplyKey = (ns: string, requestId: string) => `${ns}:log-reply:${requestId}`;
/** One API process's reply channel. */
export const logReplyChannel = (ns: string, instanceId: string) => `${ns}:log-replies:${instanceId}`;
/** Exactly the channels an API process of this namespace subscribes to; nothing else is answered. */
export const logReplyChannelPattern = (ns: string) => new RegExp(`^${escapeRegExp(ns)}:log-replies:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`);
/** A reply nobody picks up expires. */
export const LOG_REPLY_TTL_SECONDS = 60;

/** A raw request off the list → the request, or why it is refused. */
export function parseLogRequest(raw: string, ns: string): { ok: true; request: LogRequest } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const parsed = logRequest.safeParse(json);
  if (!parsed.success) {
    return { ok: false, reason: parsed.error.issues.map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`).join('; ') };
  }
  if (!logReplyChannelPattern(ns).test(parsed.data.replyTo)) {
    return { ok: false, reason: `replyTo "${parsed.data.replyTo.slice(0, 100)}" is not a log reply channel of namespace ${ns}` };
  }
  return { ok: true, request: parsed.data };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
