/**
 * Filtering, paging and counting a managed-job list, as `/jobs/queue/v2` answers it. Pure, so every
 * source of managed jobs (SQLite, or a fake world) answers queries the same way.
 *
 * The list holds one record per task. Records come newest job first, its tasks in order; `page` and
 * `limit` page jobs and `total` counts jobs (a job is never split across pages), as upstream's
 * `get_managed_jobs_with_filters`. `totalNoFilter` counts the jobs visible before the
 * name/user/workspace/status filters (the dashboard's empty state); `statusCounts` counts tasks by
 * status after every filter but the status one (the chips). `skipFinished` keeps every task of a job
 * that has any unfinished task.
 */
import { TERMINAL_MANAGED_JOB_STATUSES } from '../vocab/statuses';
import type { ManagedJob, ManagedJobPage, ManagedJobQuery } from './records';

function containsIgnoreCase(haystack: string | null, needle: string | null | undefined): boolean {
  return !needle || (haystack ?? '').toLowerCase().includes(needle.toLowerCase());
}

function jobIdsOf(tasks: ManagedJob[]): number[] {
  return [...new Set(tasks.map((t) => t.jobId))];
}

export function queryManagedJobs(all: ManagedJob[], query: ManagedJobQuery): ManagedJobPage {
  let visible = [...all].sort((a, b) => b.jobId - a.jobId || a.taskId - b.taskId);
  if (query.userHashes) visible = visible.filter((j) => query.userHashes!.includes(j.userHash));
  if (query.workspaces) visible = visible.filter((j) => query.workspaces!.includes(j.workspace));
  if (query.jobIds) visible = visible.filter((j) => query.jobIds!.includes(j.jobId));
  if (query.skipFinished) {
    const unfinished = new Set(all.filter((t) => !TERMINAL_MANAGED_JOB_STATUSES.has(t.status)).map((t) => t.jobId));
    visible = visible.filter((j) => unfinished.has(j.jobId));
  }
  const filtered = visible.filter(
    (j) =>
      containsIgnoreCase(j.name, query.nameMatch) &&
      (containsIgnoreCase(j.userName, query.userMatch) || containsIgnoreCase(j.userHash, query.userMatch)) &&
      containsIgnoreCase(j.workspace, query.workspaceMatch),
  );
  const statusCounts: ManagedJobPage['statusCounts'] = {};
  for (const job of filtered) statusCounts[job.status] = (statusCounts[job.status] ?? 0) + 1;
  const byStatus = query.statuses ? filtered.filter((j) => query.statuses!.includes(j.status)) : filtered;
  const jobIds = jobIdsOf(byStatus);
  let jobs = byStatus;
  if (query.limit != null) {
    const page = Math.max(1, query.page ?? 1);
    const onPage = new Set(jobIds.slice((page - 1) * query.limit, page * query.limit));
    jobs = byStatus.filter((t) => onPage.has(t.jobId));
  }
  return { jobs, total: jobIds.length, totalNoFilter: jobIdsOf(visible).length, statusCounts };
}
