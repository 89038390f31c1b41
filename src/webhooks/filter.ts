// Does an event go to a subscription? Every dimension given must match; within a dimension any
// value does. Labels are grouped by key: any value of a key, and every key. `states` looks at a
// job.state_changed's `to`; regions at every event that has one (an event without a region passes);
// an event without a job passes a labels or states filter only when none is set.

import type { SluiceEvent } from '../events/event.ts';
import { LABEL_FILTER, type WebhookFilter } from './webhook-schemas.ts';

export function matchesFilter(filter: WebhookFilter, event: SluiceEvent, jobLabels: Readonly<Record<string, string>> | null): boolean {
  if (filter.types?.length && !(filter.types as readonly string[]).includes(event.type)) return false;
  const region = 'region' in event ? event.region : undefined;
  if (filter.regions?.length && region !== undefined && !filter.regions.includes(region)) return false;
  if (filter.states?.length) {
    if (event.type !== 'job.state_changed' || !(filter.states as readonly string[]).includes(event.to)) return false;
  }
  if (filter.labels?.length) {
    if (event.type !== 'job.state_changed' || !jobLabels) return false;
    for (const [key, values] of labelGroups(filter.labels)) {
      const value = jobLabels[key];
      if (value === undefined || !values.has(value)) return false;
    }
  }
  return true;
}

function labelGroups(labels: readonly string[]): Map<string, Set<string>> {
  const groups = new Map<string, Set<string>>();
  for (const l of labels) {
    const m = LABEL_FILTER.exec(l);
    if (!m) continue;
    const set = groups.get(m[1]!) ?? new Set<string>();
    set.add(m[2]!);
    groups.set(m[1]!, set);
  }
  return groups;
}
