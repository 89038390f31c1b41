// `sluice cancel ID [--reason] [--wait]`: asks for the job to be killed. A job already ended is
// left as it is (a late cancel never turns a success into KILLED): the command says so.

import type { CommandContext } from './command-context.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';
import { followJob } from './follow-job.ts';
import { note, print, printJson } from './output.ts';

export async function cancelCommand(ctx: CommandContext, id: string, flags: { reason?: string; wait?: boolean; json?: boolean }): Promise<ExitCode> {
  const job = await ctx.client.cancel(id, flags.reason, { signal: ctx.signal });
  if (flags.wait) return followJob(ctx, job, { logs: false, json: Boolean(flags.json) });
  if (flags.json) printJson(job);
  else if (job.state === 'CANCELLING') print(`${job.id} CANCELLING: the kill is under way (\`sluice wait ${job.id}\` follows it to KILLED)`);
  // Killed by a cancel (this one, if the job was still queued, or an earlier one): say whose.
  else if (job.state === 'KILLED' && job.cancel) print(`${job.id} KILLED (cancelled by ${job.cancel.by} at ${job.cancel.requestedAt})`);
  else {
    print(`${job.id} ${job.state}`);
    note(`sluice: ${job.id} had already ended ${job.state}; the cancel changed nothing`);
  }
  return EXIT.OK;
}
