/**
 * Managed jobs list: /dashboard/jobs.
 * Calls: POST /jobs/queue/v2 {all_users: true, verbose: true, skip_finished: false}; refreshed every 30 s.
 * Status chips come from the answer's status_counts (counted from the rows for list-shaped answers);
 * clicking a chip filters the table to that status.
 * Test hooks: data-testid="managed-job-row" (data-key = job id + task id), "status-chip" (data-status),
 *             "filter-input", "sort-<column>", "refresh-button", "error-banner".
 */
import { useState } from 'preact/hooks';
import { DataTable, type Column } from '../components/DataTable';
import { DataPage } from '../components/DataPage';
import { StatusBadge, tone } from '../components/StatusBadge';
import { fetchManagedJobs, type ManagedJob } from '../data';
import { dateTime, duration, infra, relativeTime } from '../format';
import { useData, useTick } from '../hooks';
import { jobDuration } from '../jobFields';
import { Link } from '../router';
import { isAmong, MANAGED_JOB_STATUSES } from '../../../vocab/statuses';

const columns: Column<ManagedJob>[] = [
  {
    key: 'id',
    label: 'ID',
    render: (j) => (
      <Link to={`/jobs/${j.job_id}`} class="strong-link">
        {j.job_id}
      </Link>
    ),
    sort: (j) => j.job_id,
  },
  {
    key: 'name',
    label: 'Name',
    render: (j) => <Link to={`/jobs/${j.job_id}`}>{j.job_name || j.task_name || '-'}</Link>,
    sort: (j) => j.job_name,
  },
  { key: 'user', label: 'User', render: (j) => j.user_name || '-', sort: (j) => j.user_name },
  { key: 'workspace', label: 'Workspace', render: (j) => j.workspace || 'default', sort: (j) => j.workspace || 'default' },
  {
    key: 'submitted',
    label: 'Submitted',
    render: (j) => <span title={dateTime(j.submitted_at)}>{relativeTime(j.submitted_at)}</span>,
    sort: (j) => j.submitted_at,
  },
  { key: 'duration', label: 'Duration', render: (j) => duration(jobDuration(j)), sort: jobDuration },
  { key: 'status', label: 'Status', render: (j) => <StatusBadge status={j.status} />, sort: (j) => j.status },
  { key: 'infra', label: 'Infra', render: (j) => (j.cloud ? infra(j.cloud, j.region) : '-'), sort: (j) => infra(j.cloud, j.region) },
  {
    key: 'resources',
    label: 'Resources',
    // The requested resources (`4x[H100:8]`): node count included, and present before the job is placed.
    render: (j) => <span class="mono-soft">{j.resources || j.cluster_resources || '-'}</span>,
  },
  { key: 'recoveries', label: 'Recoveries', render: (j) => j.recovery_count ?? 0, sort: (j) => j.recovery_count, class: 'num' },
];

const filterText = (j: ManagedJob) => [j.job_id, j.job_name, j.task_name, j.user_name, j.workspace, j.status, j.cloud, j.infra].join(' ');

// Chips read in lifecycle order, active first; a status the vocabulary does not know goes last.
const statusRank = (s: string) => (isAmong(MANAGED_JOB_STATUSES, s) ? MANAGED_JOB_STATUSES.indexOf(s) : MANAGED_JOB_STATUSES.length);

export function ManagedJobsPage() {
  const state = useData(() => fetchManagedJobs(), 'jobs');
  const { data } = state;
  const [status, setStatus] = useState<string | null>(null);
  useTick();
  const all = data?.jobs ?? [];
  const rows = status ? all.filter((j) => j.status === status) : all;
  const counts = Object.entries(data?.statusCounts ?? {})
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => statusRank(a) - statusRank(b));

  const chips = (
    <div class="chips">
      <button
        type="button"
        class={`chip${status === null ? ' chip-active' : ''}`}
        onClick={() => setStatus(null)}
        data-testid="status-chip"
        data-status="ALL"
      >
        All <span class="chip-count">{all.length}</span>
      </button>
      {counts.map(([s, n]) => (
        <button
          type="button"
          key={s}
          class={`chip chip-${tone(s)}${status === s ? ' chip-active' : ''}`}
          onClick={() => setStatus(status === s ? null : s)}
          data-testid="status-chip"
          data-status={s}
        >
          {s.replace(/_/g, ' ')} <span class="chip-count">{n}</span>
        </button>
      ))}
    </div>
  );

  return (
    <DataPage title="Managed jobs" subtitle="Jobs run and recovered by the jobs controller" state={state}>
      <DataTable
        rows={rows}
        columns={columns}
        rowKey={(j) => `${j.job_id}-${j.task_id ?? 0}`}
        rowTestId="managed-job-row"
        filter={{ text: filterText, placeholder: 'Filter jobs by name, user, status…' }}
        initialSort={{ key: 'id', desc: true }}
        empty="No managed jobs yet."
        toolbar={chips}
        state={state}
      />
    </DataPage>
  );
}
