// `sluice submit`: a job from flags and/or a spec file; prints its id (or the job as JSON), or with
// --wait follows it to its end and exits with its outcome (exit-codes.ts).

import type { JobSpecInput } from '../../client/index.ts';
import type { CommandContext } from './command-context.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';
import { followJob } from './follow-job.ts';
import { jobOutcome } from './job-format.ts';
import { buildJobSpec, type SpecFlags } from './job-spec-input.ts';
import { note, print, printJson } from './output.ts';

export interface SubmitFlags extends SpecFlags {
  idempotencyKey?: string;
  wait?: boolean;
  logs?: boolean;
  json?: boolean;
}

export async function submitCommand(ctx: CommandContext, flags: SubmitFlags): Promise<ExitCode> {
  const spec = await buildJobSpec(flags);
  const { job, created } = await ctx.client.submit(spec as JobSpecInput, { idempotencyKey: flags.idempotencyKey, signal: ctx.signal });
  if (!created) note(`sluice: Idempotency-Key ${JSON.stringify(flags.idempotencyKey)} was used before with this spec: ${job.id} is that job (${job.state})`);
  ctx.interruptNote = `${job.id} was submitted and keeps running: \`sluice wait ${job.id}\` follows it again, \`sluice cancel ${job.id}\` stops it`;
  const wait = Boolean(flags.wait || flags.logs);
  if (wait) {
    // The id first, where a person sees it at once (stdout holds the job's output with --logs).
    if (!flags.json) (flags.logs ? note : print)(job.id);
    return followJob(ctx, job, { logs: Boolean(flags.logs), json: Boolean(flags.json) });
  }
  if (flags.json) printJson(job);
  else print(job.id);
  // A shadowed job is final at once: the caller must learn now that it still has to run it its old way.
  if (job.state === 'SHADOWED') {
    note(jobOutcome(job)!);
    return EXIT.SHADOWED;
  }
  return EXIT.OK;
}
