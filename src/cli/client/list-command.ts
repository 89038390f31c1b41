// `sluice ls [--region] [--state] [--label k:v] [--limit] [--cursor]`: jobs, newest first, as a table.

import type { JobState } from '../../client/index.ts';
import type { CommandContext } from './command-context.ts';
import { CliError } from './cli-error.ts';
import { formatAge } from './durations.ts';
import { note, print, printJson } from './output.ts';
import { renderTable } from './table.ts';

export interface ListFlags {
  region?: string;
  state?: string;
  label?: string;
  limit?: string;
  cursor?: string;
  json?: boolean;
}

export async function listCommand(ctx: CommandContext, flags: ListFlags): Promise<void> {
  const limit = flags.limit === undefined ? undefined : Number(flags.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) throw new CliError(`--limit ${JSON.stringify(flags.limit)}: expected a whole number from 1`);
  // The API's label filter is key:value; key=value is taken too, as `submit --label` takes it.
  const label = flags.label?.includes(':') ? flags.label : flags.label?.replace('=', ':');
  const page = await ctx.client.listJobs({ region: flags.region, state: flags.state?.toUpperCase() as JobState | undefined, label, limit, cursor: flags.cursor }, { signal: ctx.signal });
  if (flags.json) {
    printJson(page);
    return;
  }
  const jobs = page.jobs;
  if (!jobs.length) note('no jobs');
  else {
    const now = Date.now();
    print(renderTable([
      { header: 'ID', value: (j) => j.id },
      { header: 'STATE', value: (j) => j.state },
      { header: 'REGION', value: (j) => j.region },
      { header: 'NAME', value: (j) => j.name },
      { header: 'AGE', value: (j) => formatAge(j.createdAt, now), align: 'right' },
      { header: 'APPLICATION', value: (j) => j.application?.id },
    ], jobs));
  }
  if (page.nextCursor) note(`more: add --cursor ${page.nextCursor}`);
}
