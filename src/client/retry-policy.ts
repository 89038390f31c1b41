// When the client tries a call again, and how long it waits first: one place for the numbers.
//
// Bound on a dead server, by default (5 retries): a refused connection fails in about a
// millisecond, so a call gives up after the backoff's waits alone, 100+200+400+800+1600 ms
// halved at random (equal jitter): between 1.55 s and 3.1 s in all. A timeout is never tried
// again (the call's time is spent), so a server that accepts and never answers costs one
// timeoutMs. A 429 or 503 waits what its Retry-After asks, up to MAX_RETRY_AFTER_SECONDS.

export const BACKOFF_BASE_MS = 100;
export const BACKOFF_MAX_MS = 2_000;
/** A Retry-After above this ends the retries: the error carries the seconds, for the caller to decide. */
export const MAX_RETRY_AFTER_SECONDS = 30;

/** Statuses worth another try of a call that may be repeated. Every other 4xx never is. */
export const RETRY_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/** The wait before retry number `attempt` (1, 2, …): exponential, capped, with equal jitter. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Retry-After as seconds: a number of seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  // An HTTP date names its day and month ("Wed, 02 Dec 2026 10:00:05 GMT").
  const date = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** Waits `ms`; rejects with the signal's reason as soon as it aborts (and leaves no timer behind). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    function onAbort() {
      clearTimeout(timer);
      reject(signal!.reason);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
