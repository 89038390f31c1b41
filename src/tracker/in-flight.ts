// Runs one task per item with at most `limit` in flight, so a chunk's Redis writes go out together
// (ioredis writes each command as soon as it is issued: concurrent calls share round trips) while
// the RM calls some of them make (a timeout's kill) stay bounded. `stop()` is asked before each
// task starts: once true, no more start (those in flight finish). A task's rejection stops the
// rest too and is thrown after the tasks in flight have settled.

export async function inFlight<T>(
  items: readonly T[], limit: number, task: (item: T) => Promise<void>, stop: () => boolean,
): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | null = null;
  const lane = async () => {
    while (next < items.length && !failure && !stop()) {
      const item = items[next++] as T;
      try {
        await task(item);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure) throw (failure as { err: unknown }).err;
}
