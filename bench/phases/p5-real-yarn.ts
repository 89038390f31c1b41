// P5 (--real-yarn): trivial shell jobs (`echo hi`) on a real Hadoop YARN: Sluice's share of each
// job's end-to-end time, and the gap between YARN's finishedTime and the job's finishedAt.

export interface RealYarnShare {
  jobs: number;
  /** Mean over the jobs of (end-to-end − YARN's own start-to-finish) ÷ end-to-end, in percent. */
  sluiceSharePercent: number;
  /** Mean of finishedAt (Sluice) − finishedTime (YARN), ms. */
  finishedGapMeanMs: number;
  finishedGapMaxMs: number;
}

/** Not built yet: --real-yarn says so instead of pretending. */
export async function measureRealYarn(..._args: unknown[]): Promise<RealYarnShare> {
  throw new Error('bench: --real-yarn (P5) is not implemented yet');
}
