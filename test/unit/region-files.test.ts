import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadRegions, RegionFileError } from '../../src/regions/index.ts';

const good = JSON.parse(`{
  "name": "r1",
  "yarn": { "resourceManagers": ["http://127.0.0.1:1"], "user": "u", "distributedShellJar": "am.jar",
    "defaults": { "memoryMb": 256, "vcores": 1, "timeoutSeconds": 60 },
    "limits": { "memoryMb": 1024, "vcores": 2, "timeoutSeconds": 600 } },
  "staging": { "type": "file", "dir": "staging" }
}`);

function dirWith(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-regions-'));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), typeof body === 'string' ? body : JSON.stringify(body));
  return dir;
}

test('the example regions load', () => {
  const regions = loadRegions('regions');
  assert.deepEqual([...regions.keys()], ['local-a', 'local-b']);
  assert.equal(regions.get('local-a')!.rollout.mode, 'on');
});

test('a good file loads with defaults and paths resolved against the file', () => {
  const dir = dirWith({ 'r1.json': good });
  const r = loadRegions(dir).get('r1')!;
  assert.equal(r.network.connectTimeoutMs, 3000);
  assert.equal(r.yarn.distributedShellJarPath, join(dir, 'am.jar'));
  assert.equal(r.staging.dirPath, join(dir, 'staging'));
  // The ResourceManager is always checked before work is taken.
  assert.deepEqual(r.preflight.checks, [{ name: 'yarn-rm', type: 'yarn-rm' }]);
});

const bad: [string, (r: typeof good) => unknown, RegExp][] = [
  ['an unknown field', (r) => ({ ...r, yarnn: {} }), /r1\.json[\s\S]*\(top level\): unknown field\(s\) yarnn/],
  ['a non-URL ResourceManager', (r) => ({ ...r, yarn: { ...r.yarn, resourceManagers: ['rm1:8088'] } }), /yarn\.resourceManagers\.0: must be an http\(s\) URL/],
  ['a default above the limit', (r) => ({ ...r, yarn: { ...r.yarn, defaults: { ...r.yarn.defaults, memoryMb: 9999 } } }), /yarn\.defaults\.memoryMb: default 9999 is above the limit 1024/],
  ['a name not matching the file', (r) => ({ ...r, name: 'r2' }), /name: "r2" must match the file name "r1"/],
  ['a proxy that is not http://host:port', (r) => ({ ...r, network: { proxy: 'socks5://p:1080' } }), /network\.proxy: must be an http:\/\/host:port URL/],
  ['two checks of one name', (r) => ({ ...r, preflight: { checks: [{ name: 'x', type: 'tcp', host: 'h', port: 1 }, { name: 'x', type: 'tcp', host: 'h', port: 2 }] } }), /preflight\.checks\.1\.name: "x" is used by another check/],
  ['broken JSON', () => '{"name": ', /not readable JSON/],
];

for (const [what, mutate, message] of bad) {
  test(`a region file with ${what} stops the load, naming file and field`, () => {
    const dir = dirWith({ 'r1.json': mutate(good) });
    assert.throws(() => loadRegions(dir), (err: unknown) => {
      assert.ok(err instanceof RegionFileError);
      assert.match(err.message, message);
      assert.match(err.message, new RegExp(join(dir, 'r1.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      return true;
    });
  });
}
