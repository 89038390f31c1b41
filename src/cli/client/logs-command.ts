// `sluice logs ID [-f] [--stderr]`: the job container's output as it is, on stdout. With -f it
// follows until the job ends (or Ctrl-C).

import type { CommandContext } from './command-context.ts';

export async function logsCommand(ctx: CommandContext, id: string, flags: { follow?: boolean; stderr?: boolean }): Promise<void> {
  if (flags.follow) ctx.interruptNote = `${id} keeps running`;
  const file = flags.stderr ? 'stderr' : 'stdout';
  for await (const chunk of ctx.client.logs(id, { file, follow: Boolean(flags.follow), signal: ctx.signal })) {
    process.stdout.write(chunk);
  }
}
