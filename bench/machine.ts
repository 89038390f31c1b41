// What the figures were measured on: cores, CPU model, Node, and what bin/sluice.js ran.

import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import { buildKind } from './sluice-process.ts';

export interface Machine {
  cores: number;
  cpu: string;
  node: string;
  sluiceBuild: 'dist' | 'tsx';
  at: string;
}

export function describeMachine(): Machine {
  let cpu = 'unknown';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // not Linux: the model stays unknown
  }
  return { cores: availableParallelism(), cpu, node: process.version, sluiceBuild: buildKind(), at: new Date().toISOString() };
}
