// A seeded PRNG (mulberry32): every random choice of a chaos run — the jobs, which ones are
// cancelled and when, which worker dies — comes from --seed, so a run's plan can be replayed.
// (Timing still varies between runs: the plan is reproducible, the interleaving is not.)

export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from nothing');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** ±fraction around ms: a cadence that does not beat in step with the system's own timers. */
  jitter(ms: number, fraction = 0.25): number {
    return Math.round(this.between(ms * (1 - fraction), ms * (1 + fraction)));
  }
}
