// The README shows the job state machine and the job error codes as tables: they must say what the
// code does, so they are rendered from the code's own tables and compared.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { JOB_ERRORS, JOB_TRANSITIONS } from '../../src/jobs/index.ts';

const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');

function section(name: string): string {
  const match = new RegExp(`<!-- ${name}:start -->\\n([\\s\\S]*?)<!-- ${name}:end -->`).exec(readme);
  assert.ok(match, `README has no ${name} section`);
  return match[1]!;
}

test("the README's transition table is JOB_TRANSITIONS", () => {
  const rows = Object.entries(JOB_TRANSITIONS).map(([from, tos]) => `| \`${from}\` | ${tos.length ? tos.map((t) => `\`${t}\``).join(', ') : '—'} |`);
  assert.equal(section('transitions'), ['| from | may go to |', '| --- | --- |', ...rows].join('\n') + '\n');
});

test("the README's job error table is JOB_ERRORS", () => {
  const rows = Object.entries(JOB_ERRORS).map(([code, meaning]) => `| \`${code}\` | ${meaning} |`);
  assert.equal(section('job-errors'), ['| code | meaning |', '| --- | --- |', ...rows].join('\n') + '\n');
});

test("the README's configuration table lists every setting's environment variable", () => {
  const schema = readFileSync(join(import.meta.dirname, '../../src/config/config.ts'), 'utf8');
  const vars = [...schema.matchAll(/env: '([A-Z_]+)'/g)].map((m) => m[1]!);
  assert.ok(vars.length > 20, `only ${vars.length} settings found`);
  const table = readme.slice(readme.indexOf('## Configuration'));
  for (const v of vars) assert.ok(table.includes(`\`${v}\``), `${v} is not in the README's configuration table`);
});

test("the README's metrics table lists every metric of the catalog", async () => {
  const { register } = await import('prom-client');
  await import('../../src/metrics/catalog.ts');
  const names = register.getMetricsAsArray().map((m) => m.name).filter((n) => n.startsWith('sluice_'));
  assert.ok(names.length >= 16, `only ${names.length} metrics`);
  for (const name of names) assert.match(readme, new RegExp(`^\\| \`${name}\` \\|`, 'm'), `${name} is not in the README's metrics table`);
});
