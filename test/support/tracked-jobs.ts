// Jobs on the emulator as the worker would leave them after a submit (ACCEPTED, tracked), made
// straight through the store and the RM client, for tests that drive the tracker themselves.

import { ulid } from 'ulid';
import { parseJobSpec } from '../../src/jobs/index.ts';
import { launchScriptFor } from '../../src/queue/job-launch.ts';
import type { RegionContext } from '../../src/queue/region-context.ts';
import { buildDistributedShellSubmission } from '../../src/yarn/distributed-shell.ts';

export async function trackedJobs(ctx: RegionContext, ns: string, scripts: readonly string[], parallel = 25): Promise<{ jobId: string; script: string }[]> {
  const { store, rm, staging, region } = ctx;
  const made: { jobId: string; script: string }[] = [];
  for (let i = 0; i < scripts.length; i += parallel) {
    await Promise.all(scripts.slice(i, i + parallel).map(async (script) => {
      const parsed = parseJobSpec({ region: region.name, name: 'tracked', kind: 'shell', script });
      if (!parsed.ok) throw new Error(`bad spec for ${script}`);
      const jobId = `job_${ulid()}`;
      await store.create({ id: jobId, spec: parsed.spec, principal: 'test', timeoutSeconds: 3600, idempotency: null });
      const { applicationId } = await rm.newApplication();
      const staged = await staging.stage(jobId, 'launch.sh', launchScriptFor(jobId, parsed.spec, region, ns));
      await rm.submitApplication(buildDistributedShellSubmission({ jobId, applicationId, name: 'tracked', region: region.name, namespace: ns, queue: 'default', memoryMb: 128, vcores: 1, script: staged }, ctx.am));
      await store.transition(jobId, 'PREFLIGHT');
      await store.transition(jobId, 'SUBMITTING');
      await store.transition(jobId, 'ACCEPTED', {}, ['SUBMITTING'], { track: { applicationId, submittedAtMs: Date.now() } });
      made.push({ jobId, script });
    }));
  }
  return made;
}

/** The states a job's own event stream moved it to, in order. */
export async function statesMovedTo(redis: import('ioredis').Redis, key: string): Promise<string[]> {
  const entries = await redis.xrange(key, '-', '+');
  return entries.map(([, fields]) => fields[fields.indexOf('to') + 1]!);
}
