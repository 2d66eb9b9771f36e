/**
 * Workspaces: /dashboard/workspaces.
 * Calls: GET /workspaces; POST /status and POST /jobs/queue/v2 (same bodies as the clusters and jobs
 *        pages) for the per-workspace counts; GET /enabled_clouds/batch?workspaces=<a,b>&expand=true for
 *        the infra column (optional: '-' when it fails).
 * Test hooks: data-testid="workspace-row" (data-key = workspace name), "filter-input", "sort-<column>",
 *             "error-banner".
 */
import type { StatusRecord } from '../../../api/wireTypes';
import { DataTable, type Column } from '../components/DataTable';
import { DataPage } from '../components/DataPage';
import { fetchClusters, fetchEnabledClouds, fetchManagedJobs, fetchWorkspaces, type ManagedJob } from '../data';
import { cloudName } from '../format';
import { useData } from '../hooks';
import { IN_PROGRESS_MANAGED_JOB_STATUSES, isAmong } from '../../../vocab/statuses';

interface Row {
  name: string;
  private: boolean;
  clusters: number;
  running: number;
  jobs: number;
  activeJobs: number;
  infra: string[] | null;
}

async function load(): Promise<{ rows: Row[]; partial: string | null }> {
  const map = await fetchWorkspaces();
  const names = Object.keys(map);
  let partial: string | null = null;
  const note = (what: string) => (e: unknown) => {
    partial = `${what} could not be loaded: ${e instanceof Error ? e.message : String(e)}`;
    return null;
  };
  const [clusters, jobs, enabled] = await Promise.all([
    fetchClusters().catch(note('Clusters')) as Promise<StatusRecord[] | null>,
    fetchManagedJobs()
      .then((r) => r.jobs)
      .catch(note('Managed jobs')) as Promise<ManagedJob[] | null>,
    (names.length ? fetchEnabledClouds(names) : Promise.resolve({})).catch(() => null) as Promise<Record<string, string[]> | null>,
  ]);
  const inWs = (ws: string, value: string | null | undefined) => (value || 'default') === ws;
  const rows = names.map((name) => {
    const cs = (clusters ?? []).filter((c) => inWs(name, c.workspace));
    const js = (jobs ?? []).filter((j) => inWs(name, j.workspace));
    const infra = enabled ? [...new Set((enabled[name] ?? []).map((e) => cloudName(e.split('/')[0])))] : null;
    return {
      name,
      private: map[name]?.private === true,
      clusters: cs.length,
      running: cs.filter((c) => c.status === 'UP').length,
      jobs: js.length,
      activeJobs: js.filter((j) => isAmong(IN_PROGRESS_MANAGED_JOB_STATUSES, j.status)).length,
      infra,
    };
  });
  return { rows, partial };
}

const columns: Column<Row>[] = [
  { key: 'name', label: 'Workspace', render: (w) => <span class="strong">{w.name}</span>, sort: (w) => w.name },
  {
    key: 'visibility',
    label: 'Visibility',
    render: (w) => <span class="pill">{w.private ? 'private' : 'public'}</span>,
    sort: (w) => (w.private ? 1 : 0),
  },
  { key: 'clusters', label: 'Clusters', render: (w) => `${w.running} running / ${w.clusters}`, sort: (w) => w.clusters, class: 'num' },
  { key: 'jobs', label: 'Managed jobs', render: (w) => `${w.activeJobs} active / ${w.jobs}`, sort: (w) => w.jobs, class: 'num' },
  {
    key: 'infra',
    label: 'Enabled infra',
    render: (w) =>
      w.infra === null ? (
        '-'
      ) : (
        <span class="tags">
          {w.infra.length === 0 ? (
            <span class="muted">none</span>
          ) : (
            w.infra.map((c) => (
              <span class="tag" key={c}>
                {c}
              </span>
            ))
          )}
        </span>
      ),
  },
];

export function WorkspacesPage() {
  const state = useData(load, 'workspaces');
  const { data } = state;
  return (
    <DataPage title="Workspaces" subtitle="Teams and projects sharing this API server" state={state} partialError={data?.partial}>
      <DataTable
        rows={data?.rows ?? []}
        columns={columns}
        rowKey={(w) => w.name}
        rowTestId="workspace-row"
        filter={{ text: (w) => w.name, placeholder: 'Filter workspaces…' }}
        initialSort={{ key: 'name', desc: false }}
        empty="No workspaces."
        state={state}
      />
    </DataPage>
  );
}
