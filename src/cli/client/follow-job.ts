// Waiting for a job to end (`submit --wait`, `wait`, `cancel --wait`): the progress line from its
// events, its output with --logs (followed while it runs), what it came to, and the exit code.

import type { Job } from '../../jobs/index.ts';
import { isTerminalState } from '../../client/index.ts';
import type { CommandContext } from './command-context.ts';
import { describeError } from './report-error.ts';
import { exitCodeForState, type ExitCode } from './exit-codes.ts';
import { jobOutcome } from './job-format.ts';
import { note, printJson } from './output.ts';
import { ProgressLine, type ProgressJob } from './progress-line.ts';

export interface FollowOptions {
  logs: boolean;
  json: boolean;
}

/** After the job ended, how long its log follow may take to deliver the last of the output. */
const LOG_DRAIN_MS = 15_000;

export async function followJob(ctx: CommandContext, job: Job, opts: FollowOptions): Promise<ExitCode> {
  // With --json stdout holds only the final job, so the job's output goes to stderr.
  const logOut = opts.json ? process.stderr : process.stdout;
  const progress = new ProgressLine(process.stderr);
  const view: ProgressJob = { id: job.id, state: job.state, createdAt: job.createdAt, finishedAt: job.finishedAt, application: job.application };
  const stopProgress = () => progress.stop({ keep: false });
  ctx.cleanups.push(stopProgress);
  let final: Job = job;
  try {
    const ended = isTerminalState(job.state);
    progress.update(view);
    const logs = opts.logs ? new AbortController() : null;
    const onAbort = () => logs?.abort(ctx.signal.reason);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const logTask = logs ? copyLogs(ctx, job.id, { follow: !ended, signal: logs.signal }, {
      write: (text) => progress.writeAbove(logOut, text),
      say: (text) => progress.writeAbove(process.stderr, `${text}\n`),
    }) : null;
    try {
      if (!ended) {
        final = await ctx.client.waitForJob(job.id, {
          signal: ctx.signal,
          onEvent: (event) => {
            if (event.type === 'job.snapshot') {
              Object.assign(view, { state: event.job.state, finishedAt: event.job.finishedAt, application: event.job.application });
              progress.update(view);
              return;
            }
            view.state = event.to;
            const app = event.application as ProgressJob['application'] | null;
            if (app && typeof app === 'object' && typeof app.id === 'string') view.application = app;
            if (isTerminalState(event.to)) view.finishedAt = event.at;
            progress.update(view);
          },
        });
      }
      if (logTask && logs) {
        // The follow ends by itself once the job has ended (one last read); don't wait for ever.
        const drain = setTimeout(() => logs.abort(new Error('log follow did not end')), LOG_DRAIN_MS);
        await logTask;
        clearTimeout(drain);
        progress.flushAbove(logOut);
      }
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
    }
    progress.update({ id: final.id, state: final.state, createdAt: final.createdAt, finishedAt: final.finishedAt, application: final.application });
    progress.stop({ keep: true });
  } finally {
    stopProgress();
  }
  const outcome = jobOutcome(final);
  if (outcome) note(outcome);
  if (opts.json) printJson(final);
  return exitCodeForState(final.state);
}

/** Copies a job's output through `write`; a job that has none (never ran) gets a note, not an error. */
async function copyLogs(ctx: CommandContext, id: string, opts: { follow: boolean; signal: AbortSignal }, out: { write(text: string): void; say(text: string): void }): Promise<void> {
  try {
    for await (const chunk of ctx.client.logs(id, { file: 'stdout', follow: opts.follow, signal: opts.signal })) out.write(chunk);
  } catch (err) {
    if (ctx.signal.aborted) return;
    out.say(`sluice: no output of ${id}: ${describeError(err, ctx.conn).message}`);
  }
}
