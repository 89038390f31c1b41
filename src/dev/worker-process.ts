// A region's worker as a child of `sluice dev`: `sluice worker --region R --stop-on-stdin-end`,
// supervised (own process group: a Ctrl-C reaches dev only, which stops the workers after the API
// and before Redis). Its stdin is a pipe dev never writes to: if dev dies, even by SIGKILL, the
// worker reads EOF and stops by itself.

import { PACKAGE_ROOT, sluiceCommandArgs } from '../package-root.ts';
import { superviseChild, type SupervisedChild } from '../process/index.ts';

const START_TIMEOUT_MS = 60_000;

/** A started worker, and where it serves its metrics (null: metrics off). */
export interface DevWorker extends SupervisedChild {
  metricsUrl: string | null;
}

/** Starts a worker per region, in parallel; resolves once each serves its queues. */
export async function startWorkers(regions: string[], env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<DevWorker[]> {
  // Run as dev itself runs: compiled from dist/ (an install), or the sources through tsx.
  const workers = regions.map((region) => superviseChild(process.execPath, sluiceCommandArgs([
    'worker', '--region', region, '--stop-on-stdin-end',
  ]), { name: `worker ${region}`, cwd: PACKAGE_ROOT, env: { ...env, SLUICE_LOG_LEVEL: 'info' }, stdio: ['pipe', 'pipe', 'inherit'] }));
  const started = await Promise.allSettled(workers.map((w) => untilStarted(w, signal)));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(workers.map((w) => w.stop(2000).catch(() => {})));
    throw failed.reason;
  }
  for (const w of workers) console.log(`${w.name}: pid ${w.pid}`);
  return workers.map((w, i) => Object.assign(w, { metricsUrl: (started[i] as PromiseFulfilledResult<string | null>).value }));
}

/**
 * Waits for "region worker started" (resolves with the metrics URL of its "metrics listening" line
 * before); afterwards passes on the worker's warnings and errors (pino level ≥ 40).
 */
function untilStarted(worker: SupervisedChild, signal: AbortSignal): Promise<string | null> {
  return new Promise<string | null>((resolve, reject) => {
    let started = false;
    let metricsUrl: string | null = null;
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`${worker.name} did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    worker.child.stdout!.setEncoding('utf8');
    worker.child.stdout!.on('data', (chunk: string) => {
      buf += chunk;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (!started && line.includes('"metricsUrl"')) {
          metricsUrl = /"metricsUrl":"([^"]+)"/.exec(line)?.[1] ?? null;
        } else if (!started && line.includes('region worker started')) {
          started = true;
          settle();
          resolve(metricsUrl);
        } else if (started && /"level":(4|5|6)\d/.test(line)) {
          process.stdout.write(`${worker.name}: ${line}\n`);
        }
      }
    });
    void worker.exited.then((code) => {
      settle();
      reject(new Error(`${worker.name} exited (${code}) before it started`));
    });
  });
}
