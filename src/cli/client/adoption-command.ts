// `sluice adoption [--by region|team|dag] [--since DATE] [--region]`: the migration view as a
// table — per group, what ran on Sluice and how it ended, what was shadowed, what was refused
// (still on the old path).

import { ADOPTION_GROUPINGS, type AdoptionCounts, type AdoptionGrouping } from '../../rollout/index.ts';
import type { CommandContext } from './command-context.ts';
import { CliError } from './cli-error.ts';
import { print, printJson } from './output.ts';
import { renderTable } from './table.ts';

export async function adoptionCommand(ctx: CommandContext, flags: { by?: string; since?: string; region?: string; json?: boolean }): Promise<void> {
  const by = (flags.by ?? 'region') as AdoptionGrouping;
  if (!ADOPTION_GROUPINGS.includes(by)) throw new CliError(`--by ${JSON.stringify(flags.by)}: one of ${ADOPTION_GROUPINGS.join(', ')}`);
  const report = await ctx.client.adoption({ by, since: flags.since, region: flags.region }, { signal: ctx.signal });
  if (flags.json) {
    printJson(report);
    return;
  }
  const rows: (AdoptionCounts & { key: string })[] = [...report.groups, { ...report.totals, key: 'TOTAL' }];
  print(`by ${report.by}, ${report.since} to ${report.until}${flags.region ? `, region ${flags.region}` : ''}`);
  print(renderTable([
    { header: by.toUpperCase(), value: (g) => g.key },
    { header: 'ON SLUICE', value: (g) => g.sluice.total, align: 'right' },
    { header: 'OK/FAILED/KILLED', value: (g) => `${g.sluice.SUCCEEDED}/${g.sluice.FAILED}/${g.sluice.KILLED}`, align: 'right' },
    { header: 'SUCCESS', value: (g) => g.successRate === null ? '-' : `${(g.successRate * 100).toFixed(1)}%`, align: 'right' },
    { header: 'SHADOWED', value: (g) => g.shadowed.total, align: 'right' },
    { header: 'WOULD RUN/NOT', value: (g) => `${g.shadowed.wouldRun}/${g.shadowed.wouldNotRun}`, align: 'right' },
    { header: 'REFUSED', value: (g) => g.refused.total, align: 'right' },
    { header: 'NOT-IN-ROLLOUT/DISABLED', value: (g) => `${g.refused.NOT_IN_ROLLOUT}/${g.refused.REGION_DISABLED}`, align: 'right' },
  ], rows));
}
