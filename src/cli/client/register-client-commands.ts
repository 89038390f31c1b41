// The client half of `sluice`: submit, status, wait, logs, cancel, ls, regions, rollout, adoption, webhooks.
// Each command's code is loaded when it runs, so `sluice --help` stays quick. Usage errors exit 3
// (invalid), like a spec the API refuses: exit 1 belongs to a FAILED job.

import type { Command, CommanderError } from 'commander';
import type { CommandContext, ConnectionFlags } from './command-context.ts';
import { EXIT, EXIT_CODES_HELP } from './exit-codes.ts';

const CONNECTION_HELP = `
Connection: --url, else SLUICE_URL, else "url" in $XDG_CONFIG_HOME/sluice/config.json
(~/.config/sluice/config.json). The bearer token: SLUICE_TOKEN, else "token" in that file
(never a flag: it would show in ps).`;

const collect = (value: string, previous: string[] = []) => [...previous, value];

type Run = (ctx: CommandContext) => Promise<number | void>;

async function run(flags: ConnectionFlags, body: Run): Promise<void> {
  const { runClientCommand } = await import('./command-context.ts');
  await runClientCommand(flags, body);
}

function usageExit(err: CommanderError): never {
  const asked = err.code === 'commander.helpDisplayed' || err.code === 'commander.version';
  process.exit(asked ? EXIT.OK : EXIT.REFUSED);
}

function clientCommand(parent: Command, nameAndArgs: string, description: string, opts: { json?: boolean } = { json: true }): Command {
  const cmd = parent.command(nameAndArgs).description(description)
    .option('--url <url>', 'the Sluice API (default: SLUICE_URL, else the config file)');
  if (opts.json) cmd.option('--json', 'print JSON on stdout (for scripts); progress and notes go to stderr');
  return cmd.exitOverride(usageExit).addHelpText('after', CONNECTION_HELP + EXIT_CODES_HELP);
}

export function registerClientCommands(program: Command): void {
  program.exitOverride(usageExit).addHelpText('after', `${CONNECTION_HELP}\n${EXIT_CODES_HELP.replace('Exit codes:', 'Exit codes (client commands):')}`);

  clientCommand(program, 'submit', 'submit a job from flags and/or a JSON or YAML spec file; print its id, or follow it with --wait')
    .option('-f, --file <path>', 'a job spec, JSON or YAML (- reads stdin); flags override its fields, --env/--label add to them')
    .option('-r, --region <name>', 'the region to run in')
    .option('--name <name>', 'the job name (default: the script or jar file name)')
    .option('--script <text>', 'a shell script to run (kind shell)')
    .option('--script-file <path>', 'a local file holding the shell script to run (kind shell)')
    .option('--jar <path>', 'run `hadoop jar` with this jar, an absolute path on the cluster nodes (kind hadoop-jar)')
    .option('--spark <application>', 'run spark-submit on YARN with this .py or .jar, as the cluster nodes see it (kind spark)')
    .option('--conf <key=value>', 'a Spark property of the job (with --spark; repeatable)', collect)
    .option('--main-class <class>', 'the jar\'s main class (with --jar, or --spark and a .jar)')
    .option('--arg <value>', 'an argument of the script or jar (repeat for more; order kept)', collect)
    .option('--env <KEY=VALUE>', 'an environment variable of the job (repeatable)', collect)
    .option('--label <k=v>', 'a label, k=v or k:v (repeatable): team, dag, task steer the rollout', collect)
    .option('--memory-mb <n>', 'container memory in MB')
    .option('--vcores <n>', 'container vcores')
    .option('--queue <name>', 'the YARN queue')
    .option('--timeout <seconds>', 'kill the job after this many seconds')
    .option('--requires <check>', 'a preflight check the job needs passing (repeatable, or comma-separated)', collect)
    .option('--rollout-key <key>', 'what the canary percentage hashes (default: labels dag/task)')
    .option('--idempotency-key <key>', 'submitting again with the same key and spec returns the same job')
    .option('--wait', 'follow the job to its end (a live line on a terminal) and exit with its outcome')
    .option('--logs', 'print the job\'s output as it runs (implies --wait; to stderr with --json)')
    .addHelpText('after', `
Without --wait: prints the job id (the job as JSON with --json) and exits 0 — or 4 when the
region is in shadow mode (the job will not run on Sluice: run it the old way).`)
    .action((flags) => run(flags, async (ctx) => (await import('./submit-command.ts')).submitCommand(ctx, flags)));

  clientCommand(program, 'status <id>', "show a job's state, application, error")
    .action((id: string, flags) => run(flags, async (ctx) => (await import('./status-command.ts')).statusCommand(ctx, id, flags)));

  clientCommand(program, 'wait <id>', 'follow a job to its end and exit with its outcome')
    .option('--logs', 'print the job\'s output as it runs')
    .action((id: string, flags) => run(flags, async (ctx) => (await import('./wait-command.ts')).waitCommand(ctx, id, flags)));

  clientCommand(program, 'logs <id>', "print a job's output", { json: false })
    .option('-f, --follow', 'keep printing until the job ends')
    .option('--stderr', 'the container\'s stderr instead of its stdout')
    .option('--application <id>', "one of the job's child applications (e.g. its Spark application: the driver's output)")
    .action((id: string, flags) => run(flags, async (ctx) => (await import('./logs-command.ts')).logsCommand(ctx, id, flags)));

  clientCommand(program, 'cancel <id>', 'cancel a job (a job already ended stays as it is)')
    .option('--reason <text>', 'why, recorded with the cancel')
    .option('--wait', 'follow the job to its end and exit with its outcome')
    .action((id: string, flags) => run(flags, async (ctx) => (await import('./cancel-command.ts')).cancelCommand(ctx, id, flags)));

  clientCommand(program, 'ls', 'list jobs, newest first')
    .option('-r, --region <name>', 'only this region')
    .option('--state <state>', 'only jobs in this state (QUEUED, RUNNING, SUCCEEDED, ...)')
    .option('--label <k:v>', 'only jobs with this label')
    .option('--limit <n>', 'at most this many (default 50)')
    .option('--cursor <id>', 'the page after this job (printed under a full page)')
    .action((flags) => run(flags, async (ctx) => (await import('./list-command.ts')).listCommand(ctx, flags)));

  clientCommand(program, 'regions', 'each region: rollout, health and intake, queue counts, tracked applications')
    .action((flags) => run(flags, async (ctx) => (await import('./regions-command.ts')).regionsCommand(ctx, flags)));

  const rollout = program.command('rollout').description("a region's rollout: show, set (admins), history, decision")
    .exitOverride(usageExit).addHelpText('after', CONNECTION_HELP + EXIT_CODES_HELP);
  clientCommand(rollout, 'show <region>', "the region's rollout in force")
    .action((region: string, flags) => run(flags, async (ctx) => (await import('./rollout-command.ts')).rolloutShowCommand(ctx, region, flags)));
  clientCommand(rollout, 'set <region> <mode>', 'change the rollout live (admins): off, shadow, canary, on')
    .option('--reason <text>', 'why (required; recorded in the history)')
    .option('--percent <n>', 'canary: share of rollout keys let in, 0-100')
    .option('--team <team>', 'canary: let this team in (repeatable, or comma-separated)', collect)
    .option('--dag <dag>', 'canary: let this DAG in (repeatable)', collect)
    .option('--task <dag/task>', 'canary: let this task in (repeatable)', collect)
    .addHelpText('after', '\nThe canary flags given replace the whole canary setting; without any, mode canary keeps the current one.')
    .action((region: string, mode: string, flags) => run(flags, async (ctx) => (await import('./rollout-command.ts')).rolloutSetCommand(ctx, region, mode, flags)));
  clientCommand(rollout, 'history <region>', 'every live change: who, when, from, to, why')
    .option('--limit <n>', 'the last n changes')
    .action((region: string, flags) => run(flags, async (ctx) => (await import('./rollout-command.ts')).rolloutHistoryCommand(ctx, region, flags)));
  clientCommand(rollout, 'decision <region>', 'where a task goes now: sluice, shadow or legacy')
    .option('--team <team>', 'the task\'s team label')
    .option('--dag <dag>', 'its dag label')
    .option('--task <task>', 'its task label')
    .option('--rollout-key <key>', 'its explicit rollout key')
    .action((region: string, flags) => run(flags, async (ctx) => (await import('./rollout-command.ts')).rolloutDecisionCommand(ctx, region, flags)));

  clientCommand(program, 'adoption', 'the migration view: ran on Sluice, shadowed, refused, per group')
    .option('--by <grouping>', 'region, team or dag', 'region')
    .option('--since <date>', 'first day counted (YYYY-MM-DD)')
    .option('-r, --region <name>', 'only this region')
    .action((flags) => run(flags, async (ctx) => (await import('./adoption-command.ts')).adoptionCommand(ctx, flags)));

  const webhooks = program.command('webhooks').description('webhook subscriptions (admins): add, ls, rm, test, enable')
    .exitOverride(usageExit).addHelpText('after', CONNECTION_HELP + EXIT_CODES_HELP);
  clientCommand(webhooks, 'add <url>', 'subscribe a URL to events; prints the signing secret once')
    .option('--type <type>', 'only this event type (repeatable): job.state_changed, region.health_changed, region.rollout_changed, webhook.subscription_disabled', collect)
    .option('-r, --region <name>', 'only events of this region (repeatable)', collect)
    .option('--state <state>', 'only job state changes to this state (repeatable)', collect)
    .option('--label <k:v>', 'only jobs with this label (repeatable; values of one key: any, several keys: all)', collect)
    .option('--description <text>', 'what the subscription is for')
    .action((url: string, flags) => run(flags, async (ctx) => (await import('./webhooks-command.ts')).webhooksAddCommand(ctx, url, flags)));
  clientCommand(webhooks, 'ls', 'every subscription: url, filter, enabled or DISABLED (why), failures in a row, last attempt')
    .action((flags) => run(flags, async (ctx) => (await import('./webhooks-command.ts')).webhooksListCommand(ctx, flags)));
  clientCommand(webhooks, 'rm <id>', 'delete a subscription (its queued messages are dropped)')
    .action((id: string, flags) => run(flags, async (ctx) => (await import('./webhooks-command.ts')).webhooksRemoveCommand(ctx, id, flags)));
  clientCommand(webhooks, 'test <id>', 'send a test message and wait for its first attempt; exit 1 unless delivered')
    .option('--wait <seconds>', 'how long to wait for the attempt (default 15)')
    .action((id: string, flags) => run(flags, async (ctx) => (await import('./webhooks-command.ts')).webhooksTestCommand(ctx, id, flags)));
  clientCommand(webhooks, 'enable <id>', 're-enable a disabled subscription (its failure count starts again)')
    .action((id: string, flags) => run(flags, async (ctx) => (await import('./webhooks-command.ts')).webhooksEnableCommand(ctx, id, flags)));
}
