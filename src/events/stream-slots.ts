// A cap on concurrent event streams in one API process: each holds a socket and a subscription,
// so an unbounded number would exhaust file descriptors and memory before anything else noticed.

export class StreamSlots {
  private used = 0;

  constructor(readonly limit: number) {}

  get inUse(): number {
    return this.used;
  }

  /** A release function (idempotent), or null when every slot is taken. */
  take(): (() => void) | null {
    if (this.used >= this.limit) return null;
    this.used++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used--;
    };
  }
}
