// What a region's processors and tracker share: built once when the worker starts.

import type { Logger } from 'pino';
import type { Region } from '../regions/index.ts';
import type { StagingStore } from '../staging/index.ts';
import type { JobStore } from '../store/index.ts';
import type { DistributedShellAm } from '../yarn/distributed-shell.ts';
import type { ResourceManager } from '../yarn/resource-manager.ts';

/** What the submit step needs of preflight: which of a job's required checks fail right now. */
export interface PreflightGate {
  failing(requires: readonly string[]): { name: string; code: string; message: string }[];
  /** False while a critical check fails: the region takes no new work. */
  intakeOpen(): boolean;
}

export interface RegionContext {
  region: Region;
  store: JobStore;
  rm: ResourceManager;
  staging: StagingStore;
  am: DistributedShellAm;
  preflight: PreflightGate;
  log: Logger;
}
