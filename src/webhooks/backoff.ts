// Delays between a delivery's attempts: exponential, capped; and whether one more attempt still
// fits in the retry window.

export interface BackoffSettings {
  backoffBaseMs: number;
  backoffMaxMs: number;
  retryWindowSeconds: number;
}

/** The delay before the next attempt after `failures` failed ones: min(base·2^(n-1), max). */
export function backoffDelay(failures: number, s: Pick<BackoffSettings, 'backoffBaseMs' | 'backoffMaxMs'>): number {
  const n = Math.max(1, Math.floor(failures));
  // 2^(n-1) overflows to Infinity long before n is unsafe; min() keeps the cap.
  return Math.min(s.backoffBaseMs * 2 ** (n - 1), s.backoffMaxMs);
}

/** True when an attempt after this delay would still start within the window from the first one. */
export function withinWindow(firstAttemptAt: number, now: number, failures: number, s: BackoffSettings): boolean {
  return now + backoffDelay(failures, s) - firstAttemptAt <= s.retryWindowSeconds * 1000;
}
