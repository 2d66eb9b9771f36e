/**
 * Workspaces: /dashboard/workspaces.
 * Calls: GET /workspaces; POST /status (the clusters page's body) and POST /jobs/queue/v2 (owner and
 *        status fields only) for the per-workspace counts ('…' while they load);
 *        GET /enabled_clouds/batch?workspaces=<a,b>&expand=true for the infra column ('-' when it fails).
 * Test hooks: data-testid="workspace-row" (data-key = workspace name), "filter-input", "sort-<column>",
 *             "error-banner".
 */
import { useMemo } from 'preact/hooks';
import { DataTable, type Column } from '../components/DataTable';
import { DataPage } from '../components/DataPage';
import { countBy, fetchEnabledClouds, fetchOwnership, fetchWorkspaces, type Ownership } from '../data';
import { cloudName } from '../format';
import { useData } from '../hooks';
import { IN_PROGRESS_MANAGED_JOB_STATUSES, isAmong } from '../../../vocab/statuses';

/** Counts are `undefined` while the ownership call runs, `null` when it failed. */
interface Row {
  name: string;
  private: boolean;
  clusters: number | null | undefined;
  running: number | null | undefined;
  jobs: number | null | undefined;
  activeJobs: number | null | undefined;
  infra: string[] | null;
}

interface Listed {
  names: string[];
  privateNames: Set<string>;
  infra: Record<string, string[]> | null;
}

async function loadWorkspaces(): Promise<Listed> {
  const map = await fetchWorkspaces();
  const names = Object.keys(map);
  const infra = await (names.length ? fetchEnabledClouds(names) : Promise.resolve({})).catch(() => null);
  return { names, privateNames: new Set(names.filter((n) => map[n]?.private === true)), infra };
}

const wsOf = (r: { workspace?: string | null }) => r.workspace || 'default';

function rowsOf(listed: Listed, owned: Ownership | undefined): Row[] {
  const tally = <T extends { workspace?: string | null }>(list: T[] | null | undefined, keep: (r: T) => boolean = () => true) =>
    owned === undefined ? undefined : list ? countBy(list.filter(keep), wsOf) : null;
  const clusters = tally(owned?.clusters);
  const running = tally(owned?.clusters, (c) => c.status === 'UP');
  const jobs = tally(owned?.jobs);
  const active = tally(owned?.jobs, (j) => isAmong(IN_PROGRESS_MANAGED_JOB_STATUSES, j.status));
  const at = (counts: Map<string, number> | null | undefined, name: string) => (counts ? (counts.get(name) ?? 0) : counts);
  return listed.names.map((name) => ({
    name,
    private: listed.privateNames.has(name),
    clusters: at(clusters, name),
    running: at(running, name),
    jobs: at(jobs, name),
    activeJobs: at(active, name),
    infra: listed.infra ? [...new Set((listed.infra[name] ?? []).map((e) => cloudName(e.split('/')[0])))] : null,
  }));
}

const shown = (n: number | null | undefined) => (n === undefined ? '…' : (n ?? '-'));

const columns: Column<Row>[] = [
  { key: 'name', label: 'Workspace', render: (w) => <span class="strong">{w.name}</span>, sort: (w) => w.name },
  {
    key: 'visibility',
    label: 'Visibility',
    render: (w) => <span class="pill">{w.private ? 'private' : 'public'}</span>,
    sort: (w) => (w.private ? 1 : 0),
  },
  {
    key: 'clusters',
    label: 'Clusters',
    render: (w) => `${shown(w.running)} running / ${shown(w.clusters)}`,
    sort: (w) => w.clusters,
    class: 'num',
  },
  {
    key: 'jobs',
    label: 'Managed jobs',
    render: (w) => `${shown(w.activeJobs)} active / ${shown(w.jobs)}`,
    sort: (w) => w.jobs,
    class: 'num',
  },
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

// The rows come from the workspaces list; the counts fill in when every cluster and job has arrived.
export function WorkspacesPage() {
  const state = useData(loadWorkspaces, 'workspaces');
  const owned = useData(fetchOwnership, 'workspaces-ownership');
  const rows = useMemo(() => (state.data ? rowsOf(state.data, owned.data) : []), [state.data, owned.data]);
  const partial = [owned.data?.clusters === null && 'Clusters', owned.data?.jobs === null && 'Managed jobs'].filter(Boolean);
  return (
    <DataPage
      title="Workspaces"
      subtitle="Teams and projects sharing this API server"
      state={state}
      partialError={partial.length ? `${partial.join(' and ')} could not be loaded.` : null}
    >
      <DataTable
        rows={rows}
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
