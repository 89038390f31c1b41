import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CliError } from '../../src/cli/client/cli-error.ts';
import { configFilePath, resolveConnection } from '../../src/cli/client/connection-config.ts';
import { EXIT, exitCodeForState, exitCodeForStatus } from '../../src/cli/client/exit-codes.ts';

const home = mkdtempSync(join(tmpdir(), 'sluice-cli-home-'));
after(() => rmSync(home, { recursive: true, force: true }));

function writeConfig(dir: string, value: unknown) {
  mkdirSync(join(dir, 'sluice'), { recursive: true });
  writeFileSync(join(dir, 'sluice', 'config.json'), typeof value === 'string' ? value : JSON.stringify(value));
}

test('the config file is under XDG_CONFIG_HOME, else ~/.config', () => {
  assert.equal(configFilePath({}, '/home/u'), '/home/u/.config/sluice/config.json');
  assert.equal(configFilePath({ XDG_CONFIG_HOME: '/x/cfg' }, '/home/u'), '/x/cfg/sluice/config.json');
  // The XDG spec: a relative value is invalid and ignored.
  assert.equal(configFilePath({ XDG_CONFIG_HOME: 'rel' }, '/home/u'), '/home/u/.config/sluice/config.json');
});

test('the URL: --url over SLUICE_URL over the file; the token: SLUICE_TOKEN over the file; each source named', () => {
  const xdg = join(home, 'a');
  writeConfig(xdg, { url: 'http://file:1/', token: 'file-token' });
  const env = { XDG_CONFIG_HOME: xdg };
  const file = join(xdg, 'sluice', 'config.json');
  assert.deepEqual(resolveConnection({ env }), { url: 'http://file:1', token: 'file-token', urlSource: file, tokenSource: file, configFile: file });
  const fromEnv = resolveConnection({ env: { ...env, SLUICE_URL: 'https://env:2', SLUICE_TOKEN: 'env-token' } });
  assert.deepEqual([fromEnv.url, fromEnv.urlSource, fromEnv.token, fromEnv.tokenSource], ['https://env:2', 'SLUICE_URL', 'env-token', 'SLUICE_TOKEN']);
  const fromFlag = resolveConnection({ env: { ...env, SLUICE_URL: 'https://env:2' }, flagUrl: 'http://flag:3' });
  assert.deepEqual([fromFlag.url, fromFlag.urlSource, fromFlag.token], ['http://flag:3', '--url', 'file-token']);
});

test('no URL anywhere: exit 5 and the message says how to set one', () => {
  const err = catchCli(() => resolveConnection({ env: { XDG_CONFIG_HOME: join(home, 'none') } }));
  assert.equal(err.exitCode, EXIT.UNAVAILABLE);
  assert.match(err.message, /SLUICE_URL/);
  assert.match(err.message, /--url/);
  assert.match(err.message, /none\/sluice\/config\.json/);
});

test('a bad config file or URL: exit 5 naming the file or the source', () => {
  const xdg = join(home, 'bad');
  writeConfig(xdg, '{ not json');
  assert.match(catchCli(() => resolveConnection({ env: { XDG_CONFIG_HOME: xdg } })).message, /bad\/sluice\/config\.json is not JSON/);
  writeConfig(xdg, { url: 42 });
  assert.match(catchCli(() => resolveConnection({ env: { XDG_CONFIG_HOME: xdg } })).message, /"url" must be a string/);
  const notUrl = catchCli(() => resolveConnection({ env: { XDG_CONFIG_HOME: join(home, 'none'), SLUICE_URL: 'localhost:8080' } }));
  assert.equal(notUrl.exitCode, EXIT.UNAVAILABLE);
  assert.match(notUrl.message, /from SLUICE_URL must be http:\/\/ or https:\/\//);
});

test('exit codes: one per terminal state, and per HTTP status', () => {
  assert.deepEqual(['SUCCEEDED', 'FAILED', 'KILLED', 'SHADOWED'].map((s) => exitCodeForState(s as never)), [0, 1, 2, 4]);
  assert.throws(() => exitCodeForState('RUNNING'), /not terminal/);
  const byStatus = Object.fromEntries([400, 401, 403, 404, 409, 413, 429, 500, 502, 503].map((s) => [s, exitCodeForStatus(s)]));
  assert.deepEqual(byStatus, { 400: 3, 401: 5, 403: 3, 404: 3, 409: 3, 413: 3, 429: 5, 500: 5, 502: 5, 503: 5 });
});

function catchCli(fn: () => unknown): CliError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof CliError, String(err));
    return err;
  }
  assert.fail('expected a CliError');
}
