// `sluice preflight --region R`: runs the region's checks once from this machine, through the
// region's routing, prints a table, and exits non-zero when any check fails.

import { runChecks } from '../preflight/index.ts';
import { loadRegions } from '../regions/index.ts';
import { buildRouting } from '../routing/index.ts';
import { loadConfig } from '../config/config.ts';

export async function preflightCommand(regionName: string): Promise<number> {
  const config = loadConfig();
  const region = loadRegions(config.regions.dir).get(regionName);
  if (!region) throw new Error(`no region "${regionName}" in ${config.regions.dir}`);
  const routing = buildRouting(region.network);
  const started = Date.now();
  try {
    const results = await runChecks(region.preflight.checks, { routing, yarn: region.yarn });
    const rows = [['check', 'type', 'result', 'code', 'ms', 'message'], ...results.map((r) => [r.name, r.type, r.ok ? 'ok' : 'FAIL', r.code, String(r.latencyMs), r.message])];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
    for (const row of rows) console.log(row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
    const failed = results.filter((r) => !r.ok).length;
    console.log(`\nregion ${region.name}: ${results.length - failed}/${results.length} checks pass (round: ${Date.now() - started} ms)`);
    return failed === 0 ? 0 : 1;
  } finally {
    await routing.close();
  }
}
