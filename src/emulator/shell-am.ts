// What the Distributed Shell ApplicationMaster does before it asks for containers, as pure functions:
// split the AM command line, parse its options (commons-cli GnuParser: -opt and --opt alike), and
// check the environment exactly in ApplicationMaster.init()'s order. A failure here is the AM
// crashing (ExitUtil.terminate(1, t)); the message is the Java exception's toString().

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const DS_AM_CLASS = 'org.apache.hadoop.yarn.applications.distributedshell.ApplicationMaster';

/** Options ApplicationMaster.init() declares; true = takes an argument. */
const AM_OPTIONS: Record<string, boolean> = {
  app_attempt_id: true, shell_env: true, container_type: true, promote_opportunistic_after_start: false,
  enforce_execution_type: false, container_memory: true, container_vcores: true, container_resources: true,
  container_resource_profile: true, num_containers: true, priority: true, container_retry_policy: true,
  container_retry_error_codes: true, container_max_retries: true, container_retry_interval: true,
  container_failures_validity_interval: true, placement_spec: true, keep_containers_across_application_attempts: false,
  localized_files: true, debug: false, help: false,
};

export interface ShellAmPlan {
  scriptPath: string;
  scriptLen: number;
  scriptTimestamp: number;
  /** --shell_env K=V, in order; a later key wins. */
  shellEnv: Record<string, string>;
  /** From the `shellArgs` local resource (Client's --shell_args), appended to the command line. */
  shellArgs: string;
  numContainers: number;
}

export type ShellAmInit = { ok: true; plan: ShellAmPlan } | { ok: false; exception: string };

/** Shell-like word splitting of the AM's command (the NM runs it with bash -c). */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < command.length; i++) {
    const c = command[i] as string;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < command.length) word += command[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < command.length) {
      word += command[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** The AM's arguments: the words after the main class, minus shell redirections. */
export function amArguments(command: string): string[] | null {
  const words = splitCommand(command);
  const at = words.indexOf(DS_AM_CLASS);
  if (at < 0) return null;
  return words.slice(at + 1).filter((w) => !/^\d*>/.test(w));
}

function parseOptions(args: string[]): Map<string, string[]> {
  const opts = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith('-')) continue; // commons-cli keeps stray words as leftover args
    let name = arg.replace(/^--?/, '');
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq > 0 && AM_OPTIONS[name.slice(0, eq)] !== undefined) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    const takesArg = AM_OPTIONS[name];
    if (takesArg === undefined) throw new Error(`org.apache.commons.cli.UnrecognizedOptionException: Unrecognized option: ${arg}`);
    if (takesArg && value === undefined) {
      value = args[++i];
      if (value === undefined) throw new Error(`org.apache.commons.cli.MissingArgumentException: Missing argument for option: ${name}`);
    }
    opts.set(name, [...(opts.get(name) ?? []), value ?? '']);
  }
  return opts;
}

/** Long.parseLong / Integer.parseInt with Java's exception text. */
function javaLong(text: string): number {
  if (!/^[+-]?\d+$/.test(text)) throw new Error(`java.lang.NumberFormatException: For input string: "${text}"`);
  return Number(text);
}

/** DataInputStream.readUTF of a file written with writeUTF (2-byte length, then the bytes). */
function readUtfFile(url: string): string {
  const buf = readFileSync(url.startsWith('file:') ? fileURLToPath(url) : url);
  return buf.subarray(2, 2 + buf.readUInt16BE(0)).toString('utf8');
}

/** ApplicationMaster.init(), in its order. */
export function initShellAm(command: string, env: Record<string, string>, localResources: Record<string, string>): ShellAmInit {
  try {
    const args = amArguments(command);
    if (args === null) throw new Error(`java.lang.ClassNotFoundException: the emulator runs only ${DS_AM_CLASS}`);
    const opts = parseOptions(args);
    if (args.length === 0) throw new Error('java.lang.IllegalArgumentException: No args specified for application master to initialize');

    const location = env.DISTRIBUTEDSHELLSCRIPTLOCATION;
    const hasShellCommands = localResources.shellCommands !== undefined;
    // The AM calls envs.get(LOCATION).isEmpty(): an absent variable is a NullPointerException.
    if (!hasShellCommands && location === undefined) throw new Error('java.lang.NullPointerException');
    if (!hasShellCommands && location === '') {
      throw new Error('java.lang.IllegalArgumentException: No shell command or shell script specified to be executed by application master');
    }
    if (hasShellCommands) throw new Error('java.lang.UnsupportedOperationException: the emulator runs script mode only (no shellCommands)');
    const shellArgs = localResources.shellArgs ? readUtfFile(localResources.shellArgs) : '';

    const shellEnv: Record<string, string> = {};
    for (const raw of opts.get('shell_env') ?? []) {
      const kv = raw.trim();
      const eq = kv.indexOf('=');
      if (eq === -1) shellEnv[kv] = '';
      else shellEnv[kv.slice(0, eq)] = kv.slice(eq + 1);
    }

    const scriptPath = location ?? '';
    const scriptTimestamp = env.DISTRIBUTEDSHELLSCRIPTTIMESTAMP !== undefined ? javaLong(env.DISTRIBUTEDSHELLSCRIPTTIMESTAMP) : 0;
    const scriptLen = env.DISTRIBUTEDSHELLSCRIPTLEN !== undefined ? javaLong(env.DISTRIBUTEDSHELLSCRIPTLEN) : 0;
    if (scriptPath !== '' && (scriptTimestamp <= 0 || scriptLen <= 0)) {
      throw new Error('java.lang.IllegalArgumentException: Illegal values in env for shell script path');
    }

    const numContainers = javaLong(opts.get('num_containers')?.[0] ?? '1');
    if (numContainers === 0) throw new Error('java.lang.IllegalArgumentException: Cannot run distributed shell with no containers');
    return { ok: true, plan: { scriptPath, scriptLen, scriptTimestamp, shellEnv, shellArgs, numContainers } };
  } catch (err) {
    return { ok: false, exception: (err as Error).message };
  }
}

/**
 * ApplicationMaster.finish() in Hadoop 3.4: the unregister message when a container failed, with
 * each failed container's exit status and stderr tail (as seen on a real 3.4.2 NodeManager).
 */
export function dsFailureDiagnostics(c: {
  total: number; completed: number; allocated: number;
  failures: { containerId: string; exitCode: number; stderrTail: string }[];
}): string {
  const details = c.failures.map((f) => `[Exception from container-launch.\nContainer id: ${f.containerId}\nExit code: ${f.exitCode}\n`
    + `Container exited with a non-zero exit code ${f.exitCode}. Error file: prelaunch.err.\n`
    + `Last 4096 bytes of prelaunch.err :\nLast 4096 bytes of stderr :\n${f.stderrTail}\n]`).join(', ');
  return `Application Failure: desired = ${c.total}, completed = ${c.completed}, allocated = ${c.allocated}, failed = ${c.failures.length}, diagnostics = ${details}`;
}

/**
 * What the RM shows when the AM container itself exits non-zero and no attempt is left
 * (RMAppAttemptImpl.getAMContainerCrashedDiagnostics inside RMAppImpl's "failed N times" text).
 */
export function amCrashDiagnostics(a: {
  appId: string; attemptId: string; amContainerId: string; exitCode: number; stderrTail: string;
  maxAppAttempts: number; globalMaxAppAttempts: number; trackingUrl: string; now: Date;
}): string {
  const limits = a.maxAppAttempts === a.globalMaxAppAttempts ? ''
    : ` (global limit =${a.globalMaxAppAttempts}; local limit is =${a.maxAppAttempts})`;
  const ts = a.now.toISOString().replace('T', ' ').replace('Z', '');
  const container = `[${ts}]Exception from container-launch.\nContainer id: ${a.amContainerId}\nExit code: ${a.exitCode}\n\n`
    + `[${ts}]Container exited with a non-zero exit code ${a.exitCode}. Error file: prelaunch.err.\n`
    + `Last 4096 bytes of prelaunch.err :\nLast 4096 bytes of stderr :\n${a.stderrTail}\n\n`;
  return `Application ${a.appId} failed ${a.maxAppAttempts} times${limits} due to AM Container for ${a.attemptId} exited with  exitCode: ${a.exitCode}\n`
    + `Failing this attempt.Diagnostics: ${container}For more detailed output, check the application tracking page: ${a.trackingUrl} Then click on links to logs of each attempt.\n`
    + '. Failing the application.';
}
