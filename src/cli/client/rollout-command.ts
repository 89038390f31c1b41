// `sluice rollout show|set|history|decision REGION`: a region's rollout in force, a live change
// (admins; a reason is required), the audited history, and where a task would go.

import type { RolloutChange } from '../../rollout/index.ts';
import { ROLLOUT_MODES, type RolloutMode } from '../../jobs/index.ts';
import type { CommandContext } from './command-context.ts';
import { CliError } from './cli-error.ts';
import { note, print, printJson, renderFields } from './output.ts';
import { rolloutText } from './regions-command.ts';
import { renderTable } from './table.ts';

export async function rolloutShowCommand(ctx: CommandContext, region: string, flags: { json?: boolean }): Promise<void> {
  const rollout = await ctx.client.rollout(region, { signal: ctx.signal });
  if (flags.json) {
    printJson(rollout);
    return;
  }
  print(renderFields([
    ['region', region],
    ['mode', rolloutText(rollout)],
    ['version', `${rollout.version} (${rollout.source === 'file' ? 'from the region file' : 'set live'})`],
    ['updated', rollout.updatedAt ? `${rollout.updatedAt} by ${rollout.updatedBy ?? '?'}` : null],
    ['reason', rollout.reason],
  ]));
}

export interface RolloutSetFlags {
  reason?: string;
  percent?: string;
  team?: string[];
  dag?: string[];
  task?: string[];
  json?: boolean;
}

export async function rolloutSetCommand(ctx: CommandContext, region: string, mode: string, flags: RolloutSetFlags): Promise<void> {
  if (!(ROLLOUT_MODES as readonly string[]).includes(mode)) throw new CliError(`unknown rollout mode ${JSON.stringify(mode)}: one of ${ROLLOUT_MODES.join(', ')}`);
  if (!flags.reason?.trim()) throw new CliError('--reason is required: every rollout change is recorded with why');
  const change: RolloutChange = { mode: mode as RolloutMode, reason: flags.reason };
  const canaryGiven = flags.percent !== undefined || flags.team?.length || flags.dag?.length || flags.task?.length;
  if (canaryGiven) {
    if (mode !== 'canary') throw new CliError('--percent, --team, --dag and --task set the canary: they go with mode canary');
    const percent = flags.percent === undefined ? 0 : Number(flags.percent.replace(/%$/, ''));
    if (!Number.isFinite(percent)) throw new CliError(`--percent ${JSON.stringify(flags.percent)}: expected a number from 0 to 100`);
    // The canary given replaces the whole canary setting.
    change.canary = { percent, teams: list(flags.team), dags: list(flags.dag), tasks: list(flags.task) };
  }
  const { rollout, change: recorded } = await ctx.client.setRollout(region, change, { signal: ctx.signal });
  if (flags.json) {
    printJson({ rollout, change: recorded });
    return;
  }
  // No change recorded by this answer: the setting was already in force when it arrived — maybe set
  // by an earlier try of this same call whose answer was lost (the PUT is retried), so don't claim
  // that nothing changed; the history says when it was set, and by whom.
  if (!recorded) note(`sluice: region ${region}: that setting is in force; nothing new was recorded (\`sluice rollout history ${region}\` shows when it was set)`);
  print(`${region}: ${recorded ? `${rolloutText(recorded.from)} → ` : ''}${rolloutText(rollout)} (version ${rollout.version})`);
}

export async function rolloutHistoryCommand(ctx: CommandContext, region: string, flags: { limit?: string; json?: boolean }): Promise<void> {
  const limit = flags.limit === undefined ? undefined : Number(flags.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) throw new CliError(`--limit ${JSON.stringify(flags.limit)}: expected a whole number from 1`);
  const history = await ctx.client.rolloutHistory(region, { limit, signal: ctx.signal });
  if (flags.json) {
    printJson(history);
    return;
  }
  if (!history.length) {
    note(`region ${region}'s rollout was never changed live: it is the region file's`);
    return;
  }
  print(renderTable([
    { header: 'VERSION', value: (h) => h.version, align: 'right' },
    { header: 'AT', value: (h) => h.at },
    { header: 'BY', value: (h) => h.by },
    { header: 'FROM', value: (h) => rolloutText(h.from) },
    { header: 'TO', value: (h) => rolloutText(h.to) },
    { header: 'REASON', value: (h) => h.reason },
  ], history));
}

export interface DecisionFlags {
  team?: string;
  dag?: string;
  task?: string;
  rolloutKey?: string;
  json?: boolean;
}

export async function rolloutDecisionCommand(ctx: CommandContext, region: string, flags: DecisionFlags): Promise<void> {
  const decision = await ctx.client.rolloutDecision(region, { team: flags.team, dag: flags.dag, task: flags.task, rolloutKey: flags.rolloutKey }, { signal: ctx.signal });
  if (flags.json) {
    printJson(decision);
    return;
  }
  print(renderFields([
    ['route', decision.route],
    ['mode', decision.mode],
    ['reason', decision.reason],
    ['key', decision.rolloutKey === null ? null : `${decision.rolloutKey}${decision.bucket === null ? '' : ` (bucket ${decision.bucket} of 10000)`}`],
  ]));
}

function list(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}
