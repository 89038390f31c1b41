// --self-check: proves the harness's own counting. After the run it plants one defect of each
// kind the verdict must catch — an extra application carrying a finished job's tag (a duplicate,
// and an orphan while it runs), a second terminal event for another job, and a third job's record
// deleted (accepted, then gone: lost) — so the report must say 1, 1, 1, 1 and exit 1. Emulator only.

import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Redis } from 'ioredis';
import { keysFor } from '../../src/store/keys.ts';
import { jobTag } from '../../src/yarn/distributed-shell.ts';

export interface Planted { duplicateOf: string; secondTerminal: string; deleted: string }

export async function plantDefects(o: { rmUrl: string; scratch: string; redis: Redis; ns: string; jobs: Array<{ id: string; region: string; state: string }> }): Promise<Planted> {
  const ended = o.jobs.filter((j) => j.state === 'SUCCEEDED' || j.state === 'FAILED');
  if (ended.length < 3) throw new Error('--self-check needs at least 3 jobs that ended SUCCEEDED or FAILED');
  const [dup, twice, gone] = ended as [typeof ended[0], typeof ended[0], typeof ended[0]];

  // A second application with dup's tag, submitted straight to the RM as a buggy worker would.
  const newApp = await fetch(`${o.rmUrl}/ws/v1/cluster/apps/new-application?user.name=sluice`, { method: 'POST' });
  const appId = ((await newApp.json()) as { 'application-id': string })['application-id'];
  const script = join(o.scratch, 'self-check-orphan.sh');
  await writeFile(script, 'sleep 300\n');
  const s = await stat(script);
  const env = {
    CLASSPATH: './*', DISTRIBUTEDSHELLSCRIPTLOCATION: pathToFileURL(script).href,
    DISTRIBUTEDSHELLSCRIPTLEN: String(s.size), DISTRIBUTEDSHELLSCRIPTTIMESTAMP: String(Math.floor(s.mtimeMs)),
  };
  const res = await fetch(`${o.rmUrl}/ws/v1/cluster/apps?user.name=sluice`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      'application-id': appId, 'application-name': 'self-check', 'application-type': 'SLUICE', queue: 'default',
      'max-app-attempts': 1, 'application-tags': { tag: ['sluice', jobTag(dup.id)] }, resource: { memory: 256, vCores: 1 },
      'am-container-spec': {
        'local-resources': { entry: [] },
        environment: { entry: Object.entries(env).map(([key, value]) => ({ key, value })) },
        commands: { command: 'java org.apache.hadoop.yarn.applications.distributedshell.ApplicationMaster --num_containers 1 1><LOG_DIR>/AppMaster.stdout 2><LOG_DIR>/AppMaster.stderr' },
      },
    }),
  });
  if (res.status !== 202) throw new Error(`self-check: planting a duplicate app: ${res.status} ${await res.text()}`);

  // A second terminal event, in the job's own stream and the global one, as a stale writer would add.
  const keys = keysFor(o.ns);
  const fields = ['type', 'job.state_changed', 'jobId', twice.id, 'region', twice.region, 'from', twice.state, 'to', twice.state, 'at', new Date().toISOString(), 'application', ''];
  const id = await o.redis.xadd(keys.events, '*', ...fields);
  await o.redis.xadd(keys.jobEvents(twice.id), id!, ...fields);

  await o.redis.del(keys.job(gone.id));
  return { duplicateOf: dup.id, secondTerminal: twice.id, deleted: gone.id };
}
