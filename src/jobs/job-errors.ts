// Every code a job's `error.code` can carry, with what it means (ARCHITECTURE.md, Job lifecycle).
// One table: the worker, tracker and API name codes from here, and /openapi.json lists them.

export const JOB_ERRORS = {
  SUBMIT_FAILED: 'YARN refused the submission (a 4xx), or it kept failing until retries ran out and no application had been reserved',
  APPLICATION_FAILED: 'the application ended FAILED: the script exited non-zero, or its AM failed (YARN diagnostics in the message)',
  CHILD_APPLICATION_FAILED: "an application the job started (a spark job's Spark application, a hadoop-jar job's MapReduce run) ended FAILED or KILLED; the message names it and carries its diagnostics",
  APPLICATION_LOST: 'the ResourceManager no longer knows the application (forgotten after a restart without recovery, or purged)',
  UNEXPECTED_YARN_STATE: 'YARN reported a (state, finalStatus) pair with no mapping; the raw pair is in the message',
  PREFLIGHT_FAILED: 'a check the job requires was still failing at its preflight deadline; the message names the check and its code',
  KILLED: 'the job was cancelled (by whom is in `cancel`), or its application was killed outside Sluice',
  TIMEOUT: 'the job ran past its timeoutSeconds and Sluice killed its application',
  ENQUEUE_FAILED: 'the job was recorded but never queued (Redis failed in between; the caller was answered 503), so it never ran',
} as const;

export type JobErrorCode = keyof typeof JOB_ERRORS;

export interface JobError {
  code: JobErrorCode;
  message: string;
}

export function jobError(code: JobErrorCode, message: string): JobError {
  return { code, message };
}
