// Builds the Distributed Shell application that runs one job: the DS ApplicationMaster as the AM,
// the staged launch script as DISTRIBUTEDSHELLSCRIPT*, one container of the job's size
// (YARN.md, Distributed Shell). Nothing caller-provided appears in the AM command line.

import type { ApplicationSubmission, LocalResource } from './resource-manager.ts';

export const DS_APP_MASTER = 'org.apache.hadoop.yarn.applications.distributedshell.ApplicationMaster';
export const SLUICE_TAG = 'sluice';

/** The tag that finds a job's application on the RM (exactly-once lookup). YARN lowercases tags. */
export const jobTag = (jobId: string) => `sluice-job-${jobId}`.toLowerCase();
/** Which region's Sluice submitted an application (several regions may share one YARN). */
export const regionTag = (region: string) => `sluice-region-${region}`.toLowerCase();
/** Which Sluice deployment (its Redis namespace): two deployments may share one YARN and a region name. */
export const namespaceTag = (ns: string) => `sluice-ns-${ns}`.toLowerCase();

/** Every tag a job's applications carry: its own (DS) application and what it starts. */
export function jobTags(jobId: string, region: string, ns: string): string[] {
  return [SLUICE_TAG, jobTag(jobId), regionTag(region), namespaceTag(ns)];
}
/** The application type of a job's own (Distributed Shell) application. */
export const SLUICE_APP_TYPE = 'SLUICE';

/** The job id a tag names, or null: the inverse of jobTag (job ids are `job_` + an upper-case ULID). */
export function jobIdFromTags(tags: readonly string[]): string | null {
  const tag = tags.find((t) => /^sluice-job-job_[0-9a-z]{26}$/.test(t));
  return tag ? `job_${tag.slice('sluice-job-job_'.length).toUpperCase()}` : null;
}

/**
 * The job an application's tags name, when they also name this region and deployment; else null
 * (another region's or deployment's application on a shared YARN, or one tagged "sluice" by someone else).
 */
export function ownJobIdFromTags(tags: readonly string[], region: string, ns: string): string | null {
  if (!tags.includes(regionTag(region)) || !tags.includes(namespaceTag(ns))) return null;
  return jobIdFromTags(tags);
}

export interface DistributedShellJob {
  jobId: string;
  applicationId: string;
  name: string;
  region: string;
  /** The deployment's Redis namespace (tagged, so reconciliation never judges another's apps). */
  namespace: string;
  queue: string;
  memoryMb: number;
  vcores: number;
  script: { url: string; size: number; timestampMs: number };
}

export interface DistributedShellAm {
  jar: LocalResource;
  classpath: string;
  memoryMb: number;
}

export function buildDistributedShellSubmission(job: DistributedShellJob, am: DistributedShellAm): ApplicationSubmission {
  const heapMb = Math.max(64, Math.floor(am.memoryMb * 0.75));
  const command = [
    '{{JAVA_HOME}}/bin/java', `-Xmx${heapMb}m`, '<ADD_OPENS>', DS_APP_MASTER,
    '--container_memory', String(job.memoryMb),
    '--container_vcores', String(job.vcores),
    '--num_containers', '1',
    '--priority', '0',
    '1><LOG_DIR>/AppMaster.stdout', '2><LOG_DIR>/AppMaster.stderr',
  ].join(' ');
  return {
    applicationId: job.applicationId,
    name: job.name,
    type: SLUICE_APP_TYPE,
    queue: job.queue,
    // The DS AM renames the staged script; a second attempt would not find it (YARN.md).
    maxAppAttempts: 1,
    tags: jobTags(job.jobId, job.region, job.namespace),
    amResource: { memoryMb: am.memoryMb, vcores: 1 },
    localResources: { 'AppMaster.jar': am.jar },
    environment: {
      CLASSPATH: am.classpath,
      DISTRIBUTEDSHELLSCRIPTLOCATION: job.script.url,
      DISTRIBUTEDSHELLSCRIPTLEN: String(job.script.size),
      DISTRIBUTEDSHELLSCRIPTTIMESTAMP: String(job.script.timestampMs),
    },
    command,
  };
}
