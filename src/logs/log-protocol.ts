// Job logs travel from the region's worker (the only process that may talk to YARN) to the API
// over Redis: the API pushes a request on the region's list and waits on a reply key; the worker
// answers it. Request and reply shapes, and the keys, live here for both sides.

import { z } from 'zod';

export const LOG_FILES = ['stdout', 'stderr'] as const;
export type LogFile = (typeof LOG_FILES)[number];

export const logRequest = z.object({
  replyTo: z.string(),
  jobId: z.string(),
  file: z.enum(LOG_FILES),
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
export const logReplyKey = (ns: string, id: string) => `${ns}:log-reply:${id}`;
/** A reply nobody picks up expires. */
export const LOG_REPLY_TTL_SECONDS = 60;
