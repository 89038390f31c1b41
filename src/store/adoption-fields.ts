// The migration view's counters (ARCHITECTURE.md, Rollout): one hash per region and UTC day, one
// field per (what happened, team, DAG). Written where the job ends or is refused, in the same
// step, so the view is read from a few hashes instead of every job record.

/** What is counted: a terminal state on Sluice, a shadowed job (would / would not run), a refusal. */
export const ADOPTION_METRICS = ['SUCCEEDED', 'FAILED', 'KILLED', 'SHADOWED_RUN', 'SHADOWED_NOT', 'NOT_IN_ROLLOUT', 'REGION_DISABLED'] as const;
export type AdoptionMetric = (typeof ADOPTION_METRICS)[number];

/** Label values are printable ASCII without spaces (job-spec.ts), so a space can't be inside one. */
export const ADOPTION_FIELD_SEPARATOR = ' ';

/** The counters outlive job records (retention) by far: a migration takes months. */
export const ADOPTION_KEEP_SECONDS = 400 * 24 * 3600;
export const ADOPTION_KEEP_DAYS = 400;

export function adoptionDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function adoptionField(metric: AdoptionMetric, labels: Readonly<Record<string, string>>): string {
  return [metric, labels.team ?? '', labels.dag ?? ''].join(ADOPTION_FIELD_SEPARATOR);
}

export function parseAdoptionField(field: string): { metric: AdoptionMetric; team: string; dag: string } | null {
  const [metric, team = '', dag = ''] = field.split(ADOPTION_FIELD_SEPARATOR);
  if (!(ADOPTION_METRICS as readonly string[]).includes(metric!)) return null;
  return { metric: metric as AdoptionMetric, team, dag };
}
