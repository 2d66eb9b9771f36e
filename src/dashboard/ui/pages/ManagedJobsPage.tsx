/**
 * Managed jobs list: /dashboard/jobs.
 * Calls: POST /jobs/queue/v2 {all_users: true, verbose: true, skip_finished: false, page, limit: 50,
 * statuses, name_match}; refreshed every 30 s. One page at a time, newest first: the server filters,
 * counts and pages (a store of 50,000 jobs answers 50 rows). Status chips come from the answer's
 * status_counts; clicking a chip asks the server for that status; the filter box matches job names.
 * Test hooks: data-testid="managed-job-row" (data-key = job id + task id), "status-chip" (data-status),
 *             "filter-input", "page-info", "page-prev", "page-next", "refresh-button", "error-banner".
 */
import { useEffect, useState } from 'preact/hooks';
import { DataTable, type Column } from '../components/DataTable';
import { DataPage } from '../components/DataPage';
import { StatusBadge, tone } from '../components/StatusBadge';
import { fetchManagedJobsPage, type ManagedJob } from '../data';
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
  },
  {
    key: 'name',
    label: 'Name',
    render: (j) => <Link to={`/jobs/${j.job_id}`}>{j.job_name || j.task_name || '-'}</Link>,
  },
  { key: 'user', label: 'User', render: (j) => j.user_name || '-' },
  { key: 'workspace', label: 'Workspace', render: (j) => j.workspace || 'default' },
  {
    key: 'submitted',
    label: 'Submitted',
    render: (j) => <span title={dateTime(j.submitted_at)}>{relativeTime(j.submitted_at)}</span>,
  },
  { key: 'duration', label: 'Duration', render: (j) => duration(jobDuration(j)) },
  { key: 'status', label: 'Status', render: (j) => <StatusBadge status={j.status} /> },
  { key: 'infra', label: 'Infra', render: (j) => (j.cloud ? infra(j.cloud, j.region) : '-') },
  {
    key: 'resources',
    label: 'Resources',
    // The requested resources (`4x[H100:8]`): node count included, and present before the job is placed.
    render: (j) => <span class="mono-soft">{j.resources || j.cluster_resources || '-'}</span>,
  },
  { key: 'recoveries', label: 'Recoveries', render: (j) => j.recovery_count ?? 0, class: 'num' },
];

const JOBS_PAGE_SIZE = 50;
/** The filter box asks the server once typing pauses this long. */
const FILTER_DEBOUNCE_MS = 300;

// Chips read in lifecycle order, active first; a status the vocabulary does not know goes last.
const statusRank = (s: string) => (isAmong(MANAGED_JOB_STATUSES, s) ? MANAGED_JOB_STATUSES.indexOf(s) : MANAGED_JOB_STATUSES.length);

export function ManagedJobsPage() {
  const [status, setStatus] = useState<string | null>(null);
  const [typed, setTyped] = useState('');
  const [nameMatch, setNameMatch] = useState('');
  const [page, setPage] = useState(1);
  useEffect(() => {
    // Only a changed filter goes back to page 1: on mount this timer used to fire after a quick
    // "next" click and undo it.
    if (typed === nameMatch) return;
    const timer = window.setTimeout(() => {
      setNameMatch(typed);
      setPage(1);
    }, FILTER_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [typed, nameMatch]);
  const query = { page, limit: JOBS_PAGE_SIZE, status, nameMatch };
  const state = useData(() => fetchManagedJobsPage(query), `jobs:${JSON.stringify(query)}`);
  const { data } = state;
  useTick();
  const rows = data?.jobs ?? [];
  const total = data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / JOBS_PAGE_SIZE));
  const allCount = Object.values(data?.statusCounts ?? {}).reduce((sum, n) => sum + n, 0);
  const counts = Object.entries(data?.statusCounts ?? {})
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => statusRank(a) - statusRank(b));
  const choose = (next: string | null) => {
    setStatus(next);
    setPage(1);
  };
  const first = total ? (page - 1) * JOBS_PAGE_SIZE + 1 : 0;

  const pager = (
    <div class="pager">
      <span data-testid="page-info">
        {first}–{Math.min(total, page * JOBS_PAGE_SIZE)} of {total}
      </span>
      <button type="button" class="btn" disabled={page <= 1} onClick={() => setPage(page - 1)} data-testid="page-prev">
        Previous
      </button>
      <button type="button" class="btn" disabled={page >= pages} onClick={() => setPage(page + 1)} data-testid="page-next">
        Next
      </button>
    </div>
  );

  const chips = (
    <div class="chips">
      <button
        type="button"
        class={`chip${status === null ? ' chip-active' : ''}`}
        onClick={() => choose(null)}
        data-testid="status-chip"
        data-status="ALL"
      >
        All <span class="chip-count">{allCount}</span>
      </button>
      {counts.map(([s, n]) => (
        <button
          type="button"
          key={s}
          class={`chip chip-${tone(s)}${status === s ? ' chip-active' : ''}`}
          onClick={() => choose(status === s ? null : s)}
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
        empty={nameMatch || status ? 'No jobs match the filter.' : 'No managed jobs yet.'}
        toolbar={
          <>
            <input
              class="filter"
              type="search"
              placeholder="Filter jobs by name…"
              value={typed}
              onInput={(e) => setTyped((e.currentTarget as HTMLInputElement).value)}
              data-testid="filter-input"
              aria-label="Filter jobs by name"
            />
            {chips}
            {pager}
          </>
        }
        state={state}
      />
    </DataPage>
  );
}
