// No Docker engine runs here, so docker-compose.yml is checked by reading it: every Sluice service
// runs a real `sluice` subcommand, every example region has a worker, Redis is durable.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { loadRegions } from '../../src/regions/index.ts';

const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
  services: Record<string, { command: string[]; image: string; environment?: Record<string, string>; volumes?: string[]; ports?: string[] }>;
};
const sluiceServices = Object.entries(compose.services).filter(([, s]) => s.command.includes('bin/sluice.js'));

test('Redis runs with appendonly yes and noeviction', () => {
  const cmd = compose.services.redis!.command.join(' ');
  assert.match(cmd, /--appendonly yes/);
  assert.match(cmd, /--maxmemory-policy noeviction/);
});

test('every example region has a worker service for exactly that region', () => {
  const workerRegions = Object.values(compose.services)
    .filter((s) => s.command.includes('worker'))
    .map((s) => s.command[s.command.indexOf('--region') + 1]);
  assert.deepEqual(workerRegions.sort(), [...loadRegions('regions').keys()].sort());
});

test('every Sluice service runs a subcommand the sluice command really has', () => {
  const help = spawnSync(process.execPath, ['bin/sluice.js', '--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0, help.stderr);
  const subcommands = [...help.stdout.matchAll(/^ {2}(\w+)/gm)].map((m) => m[1]);
  for (const [name, service] of Object.entries(compose.services)) {
    if (name === 'redis' || name === 'prometheus') continue;
    assert.deepEqual(service.command.slice(0, 2), ['node', 'bin/sluice.js'], name);
    assert.ok(subcommands.includes(service.command[2]), `${name}: "${service.command[2]}" is not a sluice subcommand (${subcommands})`);
    const sub = spawnSync(process.execPath, ['bin/sluice.js', service.command[2]!, '--help'], { encoding: 'utf8' });
    assert.equal(sub.status, 0, `${name}: ${sub.stderr}`);
  }
});

test("Prometheus scrapes every Sluice service's metrics listener, from the shipped scrape config", () => {
  const prometheus = compose.services.prometheus!;
  assert.ok(prometheus.volumes?.some((v) => v.startsWith('./config/prometheus/prometheus.yml:')), 'the shipped scrape config is mounted');
  const config = parse(readFileSync('config/prometheus/prometheus.yml', 'utf8')) as {
    scrape_configs: { static_configs: { targets: string[] }[] }[];
  };
  const targets = config.scrape_configs.flatMap((c) => c.static_configs.flatMap((s) => s.targets)).sort();
  assert.deepEqual(targets, sluiceServices.map(([name]) => `${name}:9464`).sort());
  // Inside the compose network only: no metrics port is published.
  for (const [name, service] of sluiceServices) {
    assert.equal(service.environment?.SLUICE_METRICS_HOST, '0.0.0.0', name);
    assert.ok(!(service.ports ?? []).some((p) => p.includes('9464')), `${name} publishes its metrics port`);
  }
});
