// What a region's processors and tracker share: built once when the worker starts.

import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { Region } from '../regions/index.ts';
import type { StagingStore } from '../staging/index.ts';
import type { JobStore, WriteLossCheck } from '../store/index.ts';
import type { DistributedShellAm } from '../yarn/distributed-shell.ts';
import type { ResourceManager } from '../yarn/resource-manager.ts';

/** What the submit step needs of preflight: which of a job's required checks fail right now. */
export interface PreflightGate {
  failing(requires: readonly string[]): { name: string; code: string; message: string }[];
  /** False while a critical check fails: the region takes no new work. */
  intakeOpen(): boolean;
  /** True when every check of the region passes now (no job's requirement can fail). */
  allPassing(): boolean;
}

export interface RegionContext {
  region: Region;
  store: JobStore;
  rm: ResourceManager;
  /** How the region's NodeManagers are reached (its routing): container logs. */
  nodes: Dispatcher;
  staging: StagingStore;
  am: DistributedShellAm;
  preflight: PreflightGate;
  /** Whether a job's record may have lost a write (then the submit looks its application up by tag). */
  writeLoss: WriteLossCheck;
  log: Logger;
}
