// How long the tracker waits before its next tick. A tick costs the RM two list requests however
// many applications are tracked, so the tracker ticks as often as it can afford: the wait after a
// tick is BUSY_FACTOR times what the tick took, which keeps the tracker (its two RM lists and its
// Redis round trips) working at most 1 / (1 + BUSY_FACTOR) = 10% of the time; never shorter than
// MIN_TICK_MS (nor than the region's trackerIntervalMs, when that is shorter), never longer than
// trackerIntervalMs. A fast RM with few applications is asked every 250 ms, so an application's end
// is seen ~125 ms after YARN records it on average instead of half an interval; a slow RM or a
// large list stretches the wait up to trackerIntervalMs. Idle (nothing tracked) and failed ticks
// wait the full interval: there is nothing to see sooner, or the RM or Redis is away.

/** The shortest wait between ticks, when the region's interval is longer. */
export const MIN_TICK_MS = 250;
/** Wait this many times the last tick's duration: busy at most 1 / (1 + BUSY_FACTOR) of the time. */
export const BUSY_FACTOR = 9;

export interface LastTick {
  /** What the tick took, ms. */
  durationMs: number;
  /** 'tracked': it followed applications; 'idle': nothing was tracked; 'failed': the RM or Redis failed it. */
  outcome: 'tracked' | 'idle' | 'failed';
}

export function nextTickDelay(last: LastTick, intervalMs: number): number {
  if (last.outcome !== 'tracked') return intervalMs;
  const floor = Math.min(MIN_TICK_MS, intervalMs);
  const wanted = Math.max(0, last.durationMs) * BUSY_FACTOR;
  return Math.round(Math.min(intervalMs, Math.max(floor, wanted)));
}
