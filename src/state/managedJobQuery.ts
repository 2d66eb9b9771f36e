/**
 * Filtering, paging and counting a managed-job list, as `/jobs/queue/v2` answers it. Pure, so every
 * source of managed jobs (SQLite, or a fake world) answers queries the same way.
 *
 * `totalNoFilter` counts the jobs visible before the name/user/workspace/status filters (the
 * dashboard's empty state); `statusCounts` counts after every filter but the status one (the chips).
 */
import { TERMINAL_MANAGED_JOB_STATUSES } from '../vocab/statuses';
import type { ManagedJob, ManagedJobPage, ManagedJobQuery } from './records';

function containsIgnoreCase(haystack: string | null, needle: string | null | undefined): boolean {
  return !needle || (haystack ?? '').toLowerCase().includes(needle.toLowerCase());
}

export function queryManagedJobs(all: ManagedJob[], query: ManagedJobQuery): ManagedJobPage {
  let visible = [...all].sort((a, b) => b.jobId - a.jobId);
  if (query.userHashes) visible = visible.filter((j) => query.userHashes!.includes(j.userHash));
  if (query.workspaces) visible = visible.filter((j) => query.workspaces!.includes(j.workspace));
  if (query.jobIds) visible = visible.filter((j) => query.jobIds!.includes(j.jobId));
  if (query.skipFinished) visible = visible.filter((j) => !TERMINAL_MANAGED_JOB_STATUSES.has(j.status));
  const filtered = visible.filter(
    (j) =>
      containsIgnoreCase(j.name, query.nameMatch) &&
      (containsIgnoreCase(j.userName, query.userMatch) || containsIgnoreCase(j.userHash, query.userMatch)) &&
      containsIgnoreCase(j.workspace, query.workspaceMatch),
  );
  const statusCounts: ManagedJobPage['statusCounts'] = {};
  for (const job of filtered) statusCounts[job.status] = (statusCounts[job.status] ?? 0) + 1;
  const byStatus = query.statuses ? filtered.filter((j) => query.statuses!.includes(j.status)) : filtered;
  let jobs = byStatus;
  if (query.limit != null) {
    const page = Math.max(1, query.page ?? 1);
    jobs = byStatus.slice((page - 1) * query.limit, page * query.limit);
  }
  return { jobs, total: byStatus.length, totalNoFilter: visible.length, statusCounts };
}
