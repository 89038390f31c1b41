// `sluice regions`: each region's rollout, health and intake, queue counts and tracked
// applications; failing checks are named.

import type { RegionView } from '../../client/index.ts';
import type { CommandContext } from './command-context.ts';
import { print, printJson } from './output.ts';
import { renderTable } from './table.ts';

type RegionRow = RegionView;

export async function regionsCommand(ctx: CommandContext, flags: { json?: boolean }): Promise<void> {
  const regions = await ctx.client.regions({ signal: ctx.signal });
  if (flags.json) {
    printJson(regions);
    return;
  }
  print(renderTable([
    { header: 'REGION', value: (r) => r.name },
    { header: 'ROLLOUT', value: (r) => rolloutText(r.rollout) },
    { header: 'HEALTH', value: (r) => r.health.status },
    { header: 'INTAKE', value: (r) => r.health.intake },
    { header: 'WAITING', value: (r) => r.queue.waiting, align: 'right' },
    { header: 'ACTIVE', value: (r) => r.queue.active, align: 'right' },
    { header: 'DELAYED', value: (r) => r.queue.delayed, align: 'right' },
    { header: 'FAILED', value: (r) => r.queue.failed, align: 'right' },
    { header: 'TRACKED', value: (r) => r.trackedApplications, align: 'right' },
    { header: 'CHECKS', value: (r) => checksText(r.health.checks) },
  ], regions));
}

export function rolloutText(rollout: Pick<RegionRow['rollout'], 'mode' | 'canary'>): string {
  if (rollout.mode !== 'canary' || !rollout.canary) return rollout.mode;
  const c = rollout.canary;
  const parts = [
    c.percent ? `${c.percent}%` : '',
    c.teams.length ? `teams ${c.teams.join(',')}` : '',
    c.dags.length ? `dags ${c.dags.join(',')}` : '',
    c.tasks.length ? `tasks ${c.tasks.join(',')}` : '',
  ].filter(Boolean);
  return `canary${parts.length ? ` (${parts.join('; ')})` : ''}`;
}

function checksText(checks: RegionRow['health']['checks']): string {
  if (!checks.length) return '-';
  const failing = checks.filter((c) => !c.ok);
  if (!failing.length) return `${checks.length}/${checks.length} ok`;
  return `failing: ${failing.map((c) => `${c.name} (${c.code})`).join(', ')}`;
}
