// The bench's side of the emulator's control endpoints (src/emulator/routes-control.ts).

import { request } from 'undici';
import type { AppSummary } from '../src/emulator/routes-control.ts';

export type { AppSummary };

export interface EmulatorStats {
  requests: Record<string, number>;
  lists: Record<string, number>;
  total: number;
  apps: { total: number; byState: Record<string, number>; held: number };
}


async function json<T>(url: string, init?: { method: 'POST'; body: string }): Promise<T> {
  const res = await request(url, init ? { ...init, headers: { 'content-type': 'application/json' } } : {});
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`bench: ${url} answered ${res.statusCode}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

export const emulatorStats = (url: string) => json<EmulatorStats>(`${url}/emulator/stats`);

export const emulatorApps = async (url: string, submittedSince = 0) =>
  (await json<{ apps: AppSummary[] }>(`${url}/emulator/apps?submittedSince=${submittedSince}`)).apps;

export const releaseHeld = async (url: string, count: number) =>
  (await json<{ released: AppSummary[] }>(`${url}/emulator/release`, { method: 'POST', body: JSON.stringify({ count }) })).released;

/** Sum of the RM requests of several emulators, by operation. */
export function sumRequests(all: readonly EmulatorStats[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of all) for (const [k, v] of Object.entries(s.requests)) out[k] = (out[k] ?? 0) + v;
  return out;
}

export function requestDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0) > 0) out[k] = v - (before[k] ?? 0);
  return out;
}
