/**
 * Users: /dashboard/users.
 * Calls: GET /users (direct); POST /status (the clusters page's body) and POST /jobs/queue/v2 (owner
 *        and status fields only) for per-user counts: '…' while they load, '-' if they fail.
 * Test hooks: data-testid="user-row" (data-key = user id), "filter-input", "sort-<column>", "error-banner".
 */
import { useMemo } from 'preact/hooks';
import type { UserRecord } from '../../../api/wireTypes';
import { DataTable, type Column } from '../components/DataTable';
import { DataPage } from '../components/DataPage';
import { countBy, fetchOwnership, fetchUsers, type Ownership } from '../data';
import { dateTime, relativeTime } from '../format';
import { useData } from '../hooks';

/** A count is a number, `undefined` while the ownership call runs, `null` when it failed. */
interface Row extends UserRecord {
  clusters: number | null | undefined;
  jobs: number | null | undefined;
}

/** Legacy placeholder accounts the official dashboard hides too. */
const hidden = (u: UserRecord) => u.user_type === 'legacy' && (u.name === 'dashboard' || u.name === 'local');

/** Records name their owner by hash, or (older) only by name. */
const ownerKey = (r: { user_hash?: string | null; user_name?: string | null }) =>
  r.user_hash ? `#${r.user_hash}` : `@${r.user_name ?? ''}`;

function rowsOf(users: UserRecord[], owned: Ownership | undefined): Row[] {
  const clusters = owned?.clusters ? countBy(owned.clusters, ownerKey) : null;
  const jobs = owned?.jobs ? countBy(owned.jobs, ownerKey) : null;
  const count = (counts: Map<string, number> | null, u: UserRecord) =>
    owned === undefined ? undefined : counts ? (counts.get(`#${u.id}`) ?? 0) + (counts.get(`@${u.name}`) ?? 0) : null;
  return users.filter((u) => !hidden(u)).map((u) => ({ ...u, clusters: count(clusters, u), jobs: count(jobs, u) }));
}

const shownCount = (n: number | null | undefined) => (n === undefined ? '…' : (n ?? '-'));

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
  { key: 'clusters', label: 'Clusters', render: (u) => shownCount(u.clusters), sort: (u) => u.clusters, class: 'num' },
  { key: 'jobs', label: 'Managed jobs', render: (u) => shownCount(u.jobs), sort: (u) => u.jobs, class: 'num' },
  {
    key: 'created',
    label: 'Joined',
    render: (u) => <span title={dateTime(u.created_at)}>{relativeTime(u.created_at)}</span>,
    sort: (u) => u.created_at,
  },
];

// The rows come from GET /users alone; the counts fill in when the clusters and jobs arrive, so an
// org of 25,000 jobs shows its users at once.
export function UsersPage() {
  const state = useData(fetchUsers, 'users');
  const owned = useData(fetchOwnership, 'users-ownership');
  const data = useMemo(() => (state.data ? rowsOf(state.data, owned.data) : undefined), [state.data, owned.data]);
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
