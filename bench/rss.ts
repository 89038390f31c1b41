// A process's resident memory, from /proc/<pid>/status (VmRSS), in MB.

import { readFileSync } from 'node:fs';

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  if (kb === undefined) throw new Error(`bench: no VmRSS for pid ${pid}`);
  return Number(kb) / 1024;
}
