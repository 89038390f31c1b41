// `sluice logs ID [-f] [--stderr] [--application APP]`: the job container's output (or one child
// application's AM container's) as it is, on stdout. With -f it follows until the job ends (or Ctrl-C).

import type { CommandContext } from './command-context.ts';

export async function logsCommand(ctx: CommandContext, id: string, flags: { follow?: boolean; stderr?: boolean; application?: string }): Promise<void> {
  if (flags.follow) ctx.interruptNote = `${id} keeps running`;
  const file = flags.stderr ? 'stderr' : 'stdout';
  for await (const chunk of ctx.client.logs(id, { file, follow: Boolean(flags.follow), application: flags.application, signal: ctx.signal })) {
    process.stdout.write(chunk);
  }
}
