// `sluice status ID`: the job's record, in words or as JSON.

import type { CommandContext } from './command-context.ts';
import { jobDetails } from './job-format.ts';
import { print, printJson } from './output.ts';

export async function statusCommand(ctx: CommandContext, id: string, flags: { json?: boolean }): Promise<void> {
  const job = await ctx.client.getJob(id, { signal: ctx.signal });
  if (flags.json) printJson(job);
  else print(jobDetails(job));
}
