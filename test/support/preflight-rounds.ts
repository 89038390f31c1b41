// Proof that time has passed in the worker's terms rather than the test's: a region's preflight
// rounds, seen through GET /v1/regions. Each round records every check with the moment it started
// (`at`), so a check whose `at` is later than a moment belongs to a round that began after it.
// "The job is still QUEUED after two rounds with intake paused" is a claim about the worker;
// "still QUEUED after 2.5 s" is a claim about the machine's speed.

import type { Stack } from './stack.ts';
import { waitFor } from './wait-for.ts';

export interface CheckView { name: string; ok: boolean; code: string; message: string; at: string }

export async function checkView(stack: Stack, region: string, check: string): Promise<CheckView | undefined> {
  const res = await stack.request('GET', '/v1/regions');
  const view = res.body.regions?.find((r: { name: string }) => r.name === region);
  return view?.health?.checks?.find((c: CheckView) => c.name === check);
}

/**
 * Waits until the region's worker has run `rounds` whole preflight rounds that began after `sinceMs`
 * (each one seen as a new `at` of `check`); returns the last round's result of that check.
 */
export async function waitForPreflightRounds(
  stack: Stack, region: string, opts: { check: string; rounds: number; sinceMs: number; timeoutMs?: number },
): Promise<CheckView> {
  let since = opts.sinceMs;
  let last: CheckView | undefined;
  for (let round = 1; round <= opts.rounds; round++) {
    last = await waitFor(async () => {
      const c = await checkView(stack, region, opts.check);
      return c && Date.parse(c.at) > since ? c : undefined;
    }, { what: `region ${region}'s preflight round ${round} of ${opts.rounds} (check ${opts.check} started after ${new Date(since).toISOString()})`, timeoutMs: opts.timeoutMs ?? 30_000 });
    since = Date.parse(last.at);
  }
  return last as CheckView;
}
