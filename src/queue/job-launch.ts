// What a job runs in its container, by kind: a shell script with its args, or `hadoop jar` (the
// region says how `hadoop jar` is invoked on its nodes). One place, so a new kind is one case.

import type { JobSpec } from '../jobs/index.ts';
import type { Region } from '../regions/index.ts';
import { JOB_SCRIPT, renderLaunchScript } from '../staging/index.ts';

export function launchScriptFor(jobId: string, spec: JobSpec, region: Pick<Region, 'yarn'>): string {
  switch (spec.kind) {
    case 'shell':
      return renderLaunchScript({ jobId, script: spec.script, argv: [JOB_SCRIPT, ...spec.args], env: spec.env });
    case 'hadoop-jar':
      return renderLaunchScript({
        jobId,
        argv: [...region.yarn.hadoopJarCommand, spec.jar, ...(spec.mainClass ? [spec.mainClass] : []), ...spec.args],
        env: spec.env,
      });
  }
}
