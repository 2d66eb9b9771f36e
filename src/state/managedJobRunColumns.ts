/**
 * The columns of a managed job's run (times, recoveries, what it ran on), as version 3 defined them
 * on `managed_jobs`; version 8 moved them, unchanged, to one row per task. One definition, so the
 * move copies exactly what was created. Never edit: migrations that ran must stay what they were.
 */
export const MANAGED_JOB_RUN_COLUMNS = {
  start_at: 'double precision',
  end_at: 'double precision',
  last_recovered_at: 'double precision default -1 not null',
  recovery_count: 'integer default 0 not null',
  job_duration: 'double precision default 0 not null',
  failure_reason: 'text',
  resources: 'text not null',
  num_nodes: 'integer default 1 not null',
  launched_resources: 'text',
} as const;
