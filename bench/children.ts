// Every process the bench started, so one call stops them all (Ctrl-C, a failure, the end), in
// the reverse order of their start: Sluice before the emulators, Redis last. A phase stops its own
// with stop(child) and they leave the set.

import type { SupervisedChild } from '../src/process/index.ts';

export class Children {
  private readonly live: SupervisedChild[] = [];

  add<T extends SupervisedChild>(child: T): T {
    this.live.push(child);
    return child;
  }

  async stop(child: SupervisedChild, deadlineMs = 5000): Promise<void> {
    const i = this.live.indexOf(child);
    if (i >= 0) this.live.splice(i, 1);
    await child.stop(deadlineMs).catch(() => {});
  }

  async stopAll(): Promise<void> {
    for (let c = this.live.pop(); c; c = this.live.pop()) await c.stop(5000).catch(() => {});
  }
}
