/**
 * A managed job's status is its tasks' (upstream's `_get_job_status_from_tasks`): tasks run in
 * task-id order, so the job is where its first task that has not SUCCEEDED is; when every task has
 * succeeded, the job has. That task is the job's current one (`sky jobs queue` shows its row for
 * the job, `sky jobs logs` follows it).
 */
import type { ManagedJobStatus } from '../vocab/statuses';

interface TaskState {
  taskId: number;
  status: ManagedJobStatus;
}

/** The job's current task: the first not SUCCEEDED by task id, else the last; undefined for none. */
export function currentTask<T extends TaskState>(tasks: readonly T[]): T | undefined {
  const ordered = [...tasks].sort((a, b) => a.taskId - b.taskId);
  return ordered.find((t) => t.status !== 'SUCCEEDED') ?? ordered[ordered.length - 1];
}

/** The job's status derived from its tasks; null for a job without tasks. */
export function jobStatusFromTasks(tasks: readonly TaskState[]): ManagedJobStatus | null {
  return currentTask(tasks)?.status ?? null;
}
