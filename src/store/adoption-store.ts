// Reads the migration view from the per-day counters (adoption-fields.ts) and counts refusals,
// which have no job record to end.

import type { Redis } from 'ioredis';
import type { AdoptionCounts, AdoptionGrouping, AdoptionReport } from '../rollout/index.ts';
import { ADOPTION_KEEP_SECONDS, adoptionDay, adoptionField, parseAdoptionField, type AdoptionMetric } from './adoption-fields.ts';
import type { Keys } from './keys.ts';

const DAY_MS = 24 * 3600 * 1000;
export const NO_LABEL = '(none)';

export class AdoptionStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly now: () => number = Date.now,
  ) {}

  /** A submission the rollout sent back to the old path. */
  async countRefusal(region: string, labels: Readonly<Record<string, string>>, metric: Extract<AdoptionMetric, 'NOT_IN_ROLLOUT' | 'REGION_DISABLED'>): Promise<void> {
    const key = this.keys.adoption(region, adoptionDay(this.now()));
    await this.redis.multi().hincrby(key, adoptionField(metric, labels), 1).expire(key, ADOPTION_KEEP_SECONDS).exec();
  }

  /** Sums the days from `sinceDay` to today (UTC) over `regions`, grouped `by`. */
  async report(input: { regions: readonly string[]; by: AdoptionGrouping; sinceDay: string }): Promise<AdoptionReport> {
    const untilDay = adoptionDay(this.now());
    const days: string[] = [];
    for (let ms = Date.parse(`${input.sinceDay}T00:00:00Z`); adoptionDay(ms) <= untilDay; ms += DAY_MS) days.push(adoptionDay(ms));
    // One pipeline per region: a region's days share its hash tag (one Cluster slot).
    const perRegion = await Promise.all(input.regions.map(async (region) => {
      const pipeline = this.redis.pipeline();
      for (const day of days) pipeline.hgetall(this.keys.adoption(region, day));
      const replies = days.length ? ((await pipeline.exec()) ?? []) : [];
      return replies.map(([err, hash]) => {
        if (err) throw err;
        return { region, hash: hash as Record<string, string> };
      });
    }));
    const groups = new Map<string, Tally>();
    const totals = new Tally();
    for (const { region, hash } of perRegion.flat()) {
      for (const [field, value] of Object.entries(hash)) {
        const parsed = parseAdoptionField(field);
        if (!parsed) continue;
        const key = input.by === 'region' ? region : (input.by === 'team' ? parsed.team : parsed.dag) || NO_LABEL;
        const n = Number(value);
        if (!groups.has(key)) groups.set(key, new Tally());
        groups.get(key)!.add(parsed.metric, n);
        totals.add(parsed.metric, n);
      }
    }
    return {
      by: input.by,
      since: input.sinceDay,
      until: untilDay,
      groups: [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([key, t]) => ({ key, ...t.counts() })),
      totals: totals.counts(),
    };
  }
}

class Tally {
  private readonly n = new Map<AdoptionMetric, number>();

  add(metric: AdoptionMetric, count: number): void {
    this.n.set(metric, (this.n.get(metric) ?? 0) + count);
  }

  counts(): AdoptionCounts {
    const get = (m: AdoptionMetric) => this.n.get(m) ?? 0;
    const sluice = { SUCCEEDED: get('SUCCEEDED'), FAILED: get('FAILED'), KILLED: get('KILLED'), total: 0 };
    sluice.total = sluice.SUCCEEDED + sluice.FAILED + sluice.KILLED;
    return {
      sluice,
      successRate: sluice.total ? sluice.SUCCEEDED / sluice.total : null,
      shadowed: { total: get('SHADOWED_RUN') + get('SHADOWED_NOT'), wouldRun: get('SHADOWED_RUN'), wouldNotRun: get('SHADOWED_NOT') },
      refused: { NOT_IN_ROLLOUT: get('NOT_IN_ROLLOUT'), REGION_DISABLED: get('REGION_DISABLED'), total: get('NOT_IN_ROLLOUT') + get('REGION_DISABLED') },
    };
  }
}
