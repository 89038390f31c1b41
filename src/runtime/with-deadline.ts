// Runs a step for at most `ms`: 'ok', 'late' (still running; the caller moves on), or its error.

export type DeadlineOutcome = 'ok' | 'late' | Error;

export async function withDeadline(run: () => Promise<unknown>, ms: number): Promise<DeadlineOutcome> {
  if (ms <= 0) return 'late';
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), ms); });
  try {
    return await Promise.race([
      Promise.resolve().then(run).then(() => 'ok' as const, (err: unknown) => (err instanceof Error ? err : new Error(String(err)))),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
