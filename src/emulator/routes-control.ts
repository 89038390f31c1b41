// The emulator's own control endpoints, for a benchmark driving it from another process. No RM has
// them: they are not counted, delayed, failed or redirected (see build-app.ts), and need no user.
//   GET  /emulator/stats    RM requests by operation and by list query; apps by state; held count
//   GET  /emulator/apps     every app in short: id, tags, state, submit arrival, finishedTime
//                           (?submittedSince=<ms>: only those whose submit arrived then or later)
//   POST /emulator/release  {"count": N} or {"ids": [...]}: ends held apps now (FINISHED/SUCCEEDED)
//                           and answers each one's finishedTime

import type { FastifyInstance } from 'fastify';
import { yarnState, type EmulatedApp } from './emulated-app.ts';
import { queryOf, type RmContext } from './rm-context.ts';

export const CONTROL_PREFIX = '/emulator/';

export interface AppSummary {
  id: string;
  tags: string[];
  state: string;
  finalStatus: string;
  submitArrivedAt: number;
  finishedTime: number;
}

const summary = (a: EmulatedApp): AppSummary => ({
  id: a.id, tags: a.tags, state: yarnState(a), finalStatus: a.finalStatus, submitArrivedAt: a.submitArrivedAt, finishedTime: a.finishedTime,
});

class BadControlRequest extends Error {}

function parseRelease(raw: unknown): { count?: number; ids?: string[] } {
  let body: unknown;
  try {
    body = typeof raw === 'string' && raw.trim() !== '' ? JSON.parse(raw) : {};
  } catch {
    throw new BadControlRequest('body must be JSON: {"count": N} or {"ids": [...]}');
  }
  const { count, ids } = (body ?? {}) as { count?: unknown; ids?: unknown };
  if (Array.isArray(ids) && ids.every((i) => typeof i === 'string')) return { ids: ids as string[] };
  if (Number.isInteger(count) && (count as number) >= 0) return { count: count as number };
  throw new BadControlRequest('body must be {"count": N} (N ≥ 0) or {"ids": ["application_…", …]}');
}

export function registerControlRoutes(app: FastifyInstance, ctx: RmContext): void {
  app.get(`${CONTROL_PREFIX}stats`, async () => {
    const byState: Record<string, number> = {};
    let total = 0;
    for (const a of ctx.registry.all()) {
      const s = yarnState(a);
      byState[s] = (byState[s] ?? 0) + 1;
      total++;
    }
    return { ...ctx.stats.view(), apps: { total, byState, held: ctx.lifecycle.heldCount() }, appRun: ctx.config.appRun, now: Date.now() };
  });

  app.get(`${CONTROL_PREFIX}apps`, async (req, reply) => {
    const raw = queryOf(req.url).get('submittedSince');
    const since = raw === null || raw === '' ? 0 : Number(raw);
    if (!Number.isFinite(since)) return reply.code(400).send({ error: 'submittedSince must be a number (ms since the epoch)' });
    return { apps: ctx.registry.all().filter((a) => a.submitArrivedAt >= since).map(summary) };
  });

  app.post(`${CONTROL_PREFIX}release`, async (req, reply) => {
    if (ctx.config.appRun.mode !== 'held') return reply.code(409).send({ error: `apps are not held in this emulator (appRun mode ${ctx.config.appRun.mode})` });
    let select: { count?: number; ids?: string[] };
    try {
      select = parseRelease(req.body);
    } catch (err) {
      return reply.code(400).send({ error: (err as Error).message });
    }
    return { released: ctx.lifecycle.releaseHeld(select).map(summary) };
  });
}
