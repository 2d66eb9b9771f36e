/**
 * Users: /dashboard/users.
 * Calls: GET /users (direct); POST /status and POST /jobs/queue/v2 (same bodies as the clusters and jobs
 *        pages) for per-user counts — if those fail the counts show '-' and the table still renders.
 * Test hooks: data-testid="user-row" (data-key = user id), "filter-input", "sort-<column>", "error-banner".
 */
import type { StatusRecord, UserRecord } from '../../../api/wireTypes';
import { DataTable, type Column } from '../components/DataTable';
import { DataPage } from '../components/DataPage';
import { fetchClusters, fetchManagedJobs, fetchUsers, type ManagedJob } from '../data';
import { dateTime, relativeTime } from '../format';
import { useData } from '../hooks';

interface Row extends UserRecord {
  clusters: number | null;
  jobs: number | null;
}

/** Legacy placeholder accounts the official dashboard hides too. */
const hidden = (u: UserRecord) => u.user_type === 'legacy' && (u.name === 'dashboard' || u.name === 'local');

async function load(): Promise<Row[]> {
  const [users, clusters, jobs] = await Promise.all([
    fetchUsers(),
    fetchClusters().catch((): StatusRecord[] | null => null),
    fetchManagedJobs()
      .then((r) => r.jobs)
      .catch((): ManagedJob[] | null => null),
  ]);
  const owns = (u: UserRecord, hash?: string, name?: string) => (hash ? hash === u.id : name === u.name);
  return users
    .filter((u) => !hidden(u))
    .map((u) => ({
      ...u,
      clusters: clusters ? clusters.filter((c) => owns(u, c.user_hash, c.user_name)).length : null,
      jobs: jobs ? jobs.filter((j) => owns(u, j.user_hash, j.user_name)).length : null,
    }));
}

const columns: Column<Row>[] = [
  {
    key: 'name',
    label: 'User',
    render: (u) => (
      <span class="user-cell">
        <span class="avatar avatar-small" aria-hidden="true">
          {(u.name || '?').slice(0, 1).toUpperCase()}
        </span>
        <span class="strong">{u.name}</span>
      </span>
    ),
    sort: (u) => u.name,
  },
  { key: 'id', label: 'ID', render: (u) => <span class="mono-soft">{u.id}</span>, sort: (u) => u.id },
  {
    key: 'role',
    label: 'Role',
    render: (u) => <span class={`pill pill-${u.role === 'admin' ? 'blue' : 'plain'}`}>{u.role || 'user'}</span>,
    sort: (u) => u.role,
  },
  { key: 'clusters', label: 'Clusters', render: (u) => u.clusters ?? '-', sort: (u) => u.clusters, class: 'num' },
  { key: 'jobs', label: 'Managed jobs', render: (u) => u.jobs ?? '-', sort: (u) => u.jobs, class: 'num' },
  {
    key: 'created',
    label: 'Joined',
    render: (u) => <span title={dateTime(u.created_at)}>{relativeTime(u.created_at)}</span>,
    sort: (u) => u.created_at,
  },
];

export function UsersPage() {
  const state = useData(load, 'users');
  const { data } = state;
  return (
    <DataPage title="Users" subtitle="People and their resources on this API server" state={state}>
      <DataTable
        rows={data ?? []}
        columns={columns}
        rowKey={(u) => u.id}
        rowTestId="user-row"
        filter={{ text: (u) => `${u.name} ${u.id} ${u.role}`, placeholder: 'Filter users…' }}
        initialSort={{ key: 'name', desc: false }}
        empty="No users."
        state={state}
      />
    </DataPage>
  );
}
