// A job in words: the `status` block, the outcome line after a wait, the shadow report.

import type { Job } from '../../jobs/index.ts';
import { formatElapsed, jobElapsedMs } from './durations.ts';
import { renderFields } from './output.ts';

export function jobDetails(job: Job): string {
  const app = job.application;
  return renderFields([
    ['id', job.id],
    ['name', job.name],
    ['region', job.region],
    ['state', `${job.state} (${formatElapsed(jobElapsedMs(job))})`],
    ['kind', job.kind],
    ['principal', job.principal],
    ['created', job.createdAt],
    ['finished', job.finishedAt],
    ['idempotency', job.idempotencyKey],
    ['labels', Object.entries(job.labels).map(([k, v]) => `${k}=${v}`).join(' ')],
    ['rollout', job.rollout ? `${job.rollout.mode} (${job.rollout.reason})` : null],
    ['application', app ? `${app.id} ${[app.state, app.finalStatus].filter(Boolean).join('/')}`.trim() : null],
    ['tracking', app?.trackingUrl],
    ['children', job.childApplications.map((c) => `${c.id}${c.type ? ` ${c.type}` : ''} ${c.state}/${c.finalStatus}${c.trackingUrl ? ` ${c.trackingUrl}` : ''}`).join(', ')],
    ['error', job.error ? `${job.error.code}: ${job.error.message}` : null],
    ['cancel', job.cancel ? `by ${job.cancel.by} at ${job.cancel.requestedAt}${job.cancel.reason ? `: ${job.cancel.reason}` : ''}` : null],
    ['killed', job.killReason],
  ]) + (job.shadow ? shadowReportText(job) : '');
}

/** What a person needs to read once a waited-for job has ended (stderr), beyond its state. */
export function jobOutcome(job: Job): string | null {
  switch (job.state) {
    case 'SUCCEEDED':
      return null;
    case 'FAILED':
      return `${job.id} FAILED${job.error ? `: ${job.error.code}: ${job.error.message}` : ''}`;
    case 'KILLED': {
      const why = job.killReason === 'cancelled' && job.cancel
        ? `cancelled by ${job.cancel.by}${job.cancel.reason ? `: ${job.cancel.reason}` : ''}`
        : job.killReason ?? 'reason unknown';
      return `${job.id} KILLED (${why})${job.error ? `: ${job.error.code}: ${job.error.message}` : ''}`;
    }
    case 'SHADOWED':
      return `${job.id} SHADOWED: region ${job.region} is in shadow mode; the job was recorded and judged but did not run on Sluice. Run it the old way.\n${shadowReportText(job)}`;
    default:
      return null;
  }
}

export function shadowReportText(job: Job): string {
  const s = job.shadow;
  if (!s) return '';
  const lines = [
    `shadow report (at ${s.checkedAt}): it ${s.wouldRun ? 'would have run' : 'would NOT have run'}`,
    `  queue: ${s.queue.name}${s.queue.known === null ? '' : s.queue.known ? ' (known to the ResourceManager)' : ' (NOT known to the ResourceManager)'}`,
    ...s.findings.map((f) => `  ${f.code}: ${f.message}`),
  ];
  return `${lines.join('\n')}\n`;
}
