/**
 * `sky jobs queue` over jobs with tasks: the queue lists one record per task, a job's tasks together;
 * upstream's table shows such a job as one row (its status the first task's that has not SUCCEEDED)
 * with a `↳` row per task under it. Single-task jobs stay one row.
 */
import type { ManagedJobRecord } from '../api/wireTypes';

type Task = Partial<ManagedJobRecord>;

/** Consecutive records of one job, in the order the server sent them. */
export function groupTasksByJob(records: readonly Task[]): Task[][] {
  const groups: Task[][] = [];
  for (const record of records) {
    const last = groups[groups.length - 1];
    if (last && last[0].job_id === record.job_id) last.push(record);
    else groups.push([record]);
  }
  return groups;
}

/** The job as one record: the current task's status and placement, times over all its tasks. */
export function jobOfTasks(tasks: readonly Task[]): Task {
  const ordered = [...tasks].sort((a, b) => (a.task_id ?? 0) - (b.task_id ?? 0));
  const current = ordered.find((t) => t.status !== 'SUCCEEDED') ?? ordered[ordered.length - 1];
  const ends = ordered.map((t) => t.end_at);
  const finished = ends.every((end) => end != null);
  return {
    ...current,
    job_name: ordered[0].job_name,
    resources: ordered.length > 1 ? '-' : current.resources,
    submitted_at: Math.min(...ordered.map((t) => t.submitted_at ?? Number.POSITIVE_INFINITY)),
    end_at: finished ? Math.max(...(ends as number[])) : null,
    job_duration: ordered.reduce((sum, t) => sum + (t.job_duration ?? 0), 0),
    recovery_count: ordered.reduce((sum, t) => sum + (t.recovery_count ?? 0), 0),
  };
}
