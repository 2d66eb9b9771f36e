/**
 * Clusters list: /dashboard/clusters (also /dashboard/).
 * Calls: POST /status {cluster_names: null, all_users: true, include_credentials: false,
 *        include_handle: false, summary_response: true}; refreshed every 30 s.
 * Test hooks: data-testid="cluster-row" (data-key = cluster name; the name is a link in the row),
 *             "filter-input", "sort-<column>", "refresh-button", "error-banner".
 */
import type { StatusRecord } from '../../../api/wireTypes';
import { DataTable, type Column } from '../components/DataTable';
import { DataPage } from '../components/DataPage';
import { StatTiles } from '../components/Feedback';
import { StatusBadge, clusterLabel } from '../components/StatusBadge';
import { fetchClusters } from '../data';
import { dateTime, infra, relativeTime } from '../format';
import { useData, useTick } from '../hooks';
import { Link } from '../router';

function autostopLabel(c: StatusRecord): string {
  if (typeof c.autostop !== 'number' || c.autostop < 0) return '-';
  return `${c.autostop}m${c.to_down ? ' (down)' : ''}`;
}

const columns: Column<StatusRecord>[] = [
  { key: 'status', label: 'Status', render: (c) => <StatusBadge status={c.status} cluster />, sort: (c) => clusterLabel(c.status) },
  {
    key: 'name',
    class: 'nowrap',
    label: 'Cluster',
    render: (c) => (
      <Link to={`/clusters/${encodeURIComponent(c.name)}`} class="strong-link">
        {c.name}
      </Link>
    ),
    sort: (c) => c.name,
  },
  { key: 'user', label: 'User', render: (c) => c.user_name || '-', sort: (c) => c.user_name },
  { key: 'workspace', label: 'Workspace', render: (c) => c.workspace || 'default', sort: (c) => c.workspace || 'default' },
  { key: 'infra', label: 'Infra', render: (c) => infra(c.cloud, c.region), sort: (c) => infra(c.cloud, c.region) },
  {
    key: 'resources',
    label: 'Resources',
    render: (c) => <span class="mono-soft">{c.resources_str || '-'}</span>,
    sort: (c) => c.resources_str,
  },
  {
    key: 'launched',
    class: 'nowrap',
    label: 'Started',
    render: (c) => <span title={dateTime(c.launched_at)}>{relativeTime(c.launched_at)}</span>,
    sort: (c) => c.launched_at,
  },
  { key: 'autostop', label: 'Autostop', render: autostopLabel, sort: (c) => (c.autostop >= 0 ? c.autostop : null) },
];

const filterText = (c: StatusRecord) =>
  [c.name, c.user_name, c.workspace, c.cloud, c.region, c.resources_str, clusterLabel(c.status)].join(' ');

export function ClustersPage() {
  const state = useData(fetchClusters, 'clusters');
  const { data } = state;
  useTick();
  const rows = data ?? [];
  const count = (s: string) => rows.filter((c) => c.status === s).length;
  return (
    <DataPage title="Clusters" subtitle="Clusters of all users" state={state}>
      <StatTiles
        items={[
          { label: 'Total', value: rows.length },
          { label: 'Running', value: count('UP'), tone: 'green' },
          { label: 'Launching', value: count('INIT'), tone: 'amber' },
          { label: 'Stopped', value: count('STOPPED'), tone: 'gray' },
        ]}
      />
      <DataTable
        rows={rows}
        columns={columns}
        rowKey={(c) => c.name}
        rowTestId="cluster-row"
        filter={{ text: filterText, placeholder: 'Filter clusters by name, user, infra…' }}
        initialSort={{ key: 'launched', desc: true }}
        empty="No active clusters."
        state={state}
      />
    </DataPage>
  );
}
