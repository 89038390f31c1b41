// Waiting in tests: poll a condition until it holds or a deadline passes, never sleep a fixed time
// and hope. A timeout names what was awaited and the condition's last answer, so a failure says
// what did not happen instead of failing later on a confusing assertion.

export interface WaitForOptions {
  /** What is awaited, in words: "the job RUNNING", "the worker's second preflight round". */
  what: string;
  timeoutMs?: number;
  /** Pause between two polls (default 50 ms): polling, not a wait for something to happen. */
  intervalMs?: number;
  /** Said after the last value on a timeout (e.g. a worker's log tail). */
  detail?: () => string;
}

type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

/**
 * Resolves with the condition's first truthy answer; rejects after `timeoutMs` (default 15 s)
 * with `what` and the last answer (or the last error the condition threw).
 */
export async function waitFor<T>(condition: () => T | Promise<T>, opts: WaitForOptions): Promise<Truthy<T>> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as Truthy<T>;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      const lastText = last instanceof Error ? `threw ${last.message}` : `was ${JSON.stringify(last)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${opts.what} (last check ${lastText})${opts.detail ? `\n${opts.detail()}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, Math.min(opts.intervalMs ?? 50, Math.max(0, deadline - Date.now()))));
  }
}
