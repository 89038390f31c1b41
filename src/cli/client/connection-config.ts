// Where the client commands find Sluice: `--url` > SLUICE_URL > the config file's `url`; the token
// from SLUICE_TOKEN > the config file's `token`, never from a flag (it would show in `ps`). The
// file is `$XDG_CONFIG_HOME/sluice/config.json`, by default `~/.config/sluice/config.json`:
// `{ "url": "https://sluice.example.com", "token": "..." }`.

import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CliError } from './cli-error.ts';
import { EXIT } from './exit-codes.ts';

export interface ConnectionConfig {
  url: string;
  token: string | undefined;
  /** Where the URL and the token were read from, in words (for error messages; never the token itself). */
  urlSource: string;
  tokenSource: string | undefined;
  configFile: string;
}

export interface ResolveOptions {
  flagUrl?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
}

export function configFilePath(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(home, '.config');
  return join(base, 'sluice', 'config.json');
}

export function resolveConnection(opts: ResolveOptions = {}): ConnectionConfig {
  const env = opts.env ?? process.env;
  const configFile = configFilePath(env, opts.home);
  const file = readConfigFile(configFile);
  const [url, urlSource] = opts.flagUrl ? [opts.flagUrl, '--url']
    : env.SLUICE_URL ? [env.SLUICE_URL, 'SLUICE_URL']
    : file?.url ? [file.url, configFile]
    : [undefined, undefined];
  if (!url || !urlSource) {
    throw new CliError(
      `no Sluice URL: set SLUICE_URL (e.g. export SLUICE_URL=https://sluice.example.com), pass --url, or put {"url": ..., "token": ...} in ${configFile}`,
      EXIT.UNAVAILABLE,
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(`the Sluice URL from ${urlSource} is not a URL: ${JSON.stringify(url)}`, EXIT.UNAVAILABLE);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new CliError(`the Sluice URL from ${urlSource} must be http:// or https://, not ${parsed.protocol}`, EXIT.UNAVAILABLE);
  }
  const [token, tokenSource] = env.SLUICE_TOKEN ? [env.SLUICE_TOKEN, 'SLUICE_TOKEN']
    : file?.token ? [file.token, configFile]
    : [undefined, undefined];
  return { url: url.replace(/\/+$/, ''), token, urlSource, tokenSource, configFile };
}

function readConfigFile(path: string): { url?: string; token?: string } | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CliError(`cannot read the config file ${path}: ${(err as Error).message}`, EXIT.UNAVAILABLE);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CliError(`the config file ${path} is not JSON: ${(err as Error).message}`, EXIT.UNAVAILABLE);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliError(`the config file ${path} must hold an object: {"url": ..., "token": ...}`, EXIT.UNAVAILABLE);
  }
  const { url, token } = value as Record<string, unknown>;
  for (const [key, v] of [['url', url], ['token', token]] as const) {
    if (v !== undefined && typeof v !== 'string') throw new CliError(`the config file ${path}: "${key}" must be a string`, EXIT.UNAVAILABLE);
  }
  return { url: url as string | undefined, token: token as string | undefined };
}
