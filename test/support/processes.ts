// Is a process whose command line carries `marker` alive on this machine? Used to prove a killed
// job's process is gone, the same way for the emulator and a real NodeManager.

import { readFileSync, readdirSync } from 'node:fs';

export function processWithMarkerAlive(marker: string): boolean {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue; // a zombie has exited
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) return true;
    } catch {
      // it ended while we looked
    }
  }
  return false;
}
