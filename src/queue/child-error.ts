// What a failed child application's own output says went wrong: for a Spark application, its
// driver's error (the driver runs in the AM container in cluster mode). Read once, when the job
// ends, from the NodeManager that ran it; bounded, and never a reason to stop finishing the job.

import { amContainerOf, readContainerLog } from '../yarn/container-logs.ts';
import { lastPythonError } from '../yarn/driver-error.ts';
import type { RegionContext } from './region-context.ts';

const READ_DEADLINE_MS = 5000;
const TAIL_BYTES = 256 * 1024;

/** The driver's error line, or null (none found, or a log could not be read: logged). */
export async function childErrorLine(ctx: RegionContext, applicationId: string): Promise<string | null> {
  try {
    const signal = AbortSignal.timeout(READ_DEADLINE_MS);
    const container = amContainerOf(await ctx.rm.getApplication(applicationId, signal));
    if (!container) return null;
    // A PySpark driver's Python writes to the container's stdout (Spark merges its stderr into it);
    // a traceback printed otherwise lands in stderr.
    for (const file of ['stdout', 'stderr']) {
      const text = await readContainerLog({ dispatcher: ctx.nodes, user: ctx.region.yarn.user, container, file, tailBytes: TAIL_BYTES, signal });
      const line = lastPythonError(text);
      if (line) return line;
    }
    return null;
  } catch (err) {
    ctx.log.warn({ err, applicationId }, `region ${ctx.region.name}: could not read the output of failed child application ${applicationId}`);
    return null;
  }
}
