// What a job runs in its container, by kind: a shell script with its args, `hadoop jar`, or
// `spark-submit` (the region says how those two are invoked on its nodes). One place, so a new kind
// is one case.

import type { JobSpec } from '../jobs/index.ts';
import type { Region } from '../regions/index.ts';
import { JOB_SCRIPT, renderLaunchScript } from '../staging/index.ts';
import { jobTags } from '../yarn/distributed-shell.ts';
import { sparkSubmitArgv } from './spark-submit-argv.ts';

/** `namespace`: the deployment's Redis namespace, tagged on what a hadoop-jar or spark job starts. */
export function launchScriptFor(jobId: string, spec: JobSpec, region: Pick<Region, 'yarn'>, namespace: string): string {
  switch (spec.kind) {
    case 'shell':
      return renderLaunchScript({ jobId, script: spec.script, argv: [JOB_SCRIPT, ...spec.args], env: spec.env });
    case 'hadoop-jar': {
      // The MapReduce applications it starts carry the job's tags, so they can be found and killed.
      const args = [...spec.args];
      if (spec.childTagsAt !== null) {
        args.splice(Math.min(spec.childTagsAt, args.length), 0, `-Dmapreduce.job.tags=${jobTags(jobId, spec.region, namespace).join(',')}`);
      }
      return renderLaunchScript({
        jobId,
        argv: [...region.yarn.hadoopJarCommand, spec.jar, ...(spec.mainClass ? [spec.mainClass] : []), ...args],
        env: spec.env,
      });
    }
    case 'spark':
      // The Spark application is the job's child: it carries the job's tags.
      return renderLaunchScript({ jobId, argv: sparkSubmitArgv(spec, region, jobTags(jobId, spec.region, namespace)), env: spec.env });
  }
}
