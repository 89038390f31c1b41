// Where a job's launch script is put so the NodeManager can localize it. YARN checks a local
// resource's size and modification time, so a staged file is never rewritten once written:
// re-staging the same job returns the file already there (a redelivered job resubmits the same app).

export interface StagedFile {
  /** URL YARN localizes from (file:///…, later s3a://… or hdfs://…). */
  url: string;
  size: number;
  /** Modification time in ms, as YARN wants it. */
  timestampMs: number;
}

export interface StagingStore {
  stage(jobId: string, name: string, content: string): Promise<StagedFile>;
  /** Deletes everything staged for the job (its launch script carries the job's env values). */
  remove(jobId: string): Promise<void>;
  /** Job ids with something staged, for the sweeper to find what a crash left behind. */
  list(): Promise<string[]>;
}
