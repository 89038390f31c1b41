// `sluice wait ID`: follows a job already submitted to its end; exits with its outcome.

import type { CommandContext } from './command-context.ts';
import type { ExitCode } from './exit-codes.ts';
import { followJob } from './follow-job.ts';

export async function waitCommand(ctx: CommandContext, id: string, flags: { logs?: boolean; json?: boolean }): Promise<ExitCode> {
  const job = await ctx.client.getJob(id, { signal: ctx.signal });
  ctx.interruptNote = `${id} keeps running`;
  return followJob(ctx, job, { logs: Boolean(flags.logs), json: Boolean(flags.json) });
}
