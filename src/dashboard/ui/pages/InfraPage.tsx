/**
 * Infra: /dashboard/infra.
 * Calls: GET /workspaces; GET /enabled_clouds/batch?workspaces=<a,b>&expand=true; POST /status (as on
 *        the clusters page, for per-cloud and per-context cluster counts); POST /kubernetes_node_info
 *        {context} per Kubernetes context (`kubernetes/<ctx>` entries) and SSH pool (`ssh/<pool>` →
 *        context `ssh-<pool>`).
 * Test hooks: data-testid="cloud-row" (data-key = cloud), "context-card", "node-row", "error-banner".
 */
import type { StatusRecord } from '../../../api/wireTypes';
import { ContextCard } from '../components/ContextCard';
import { DataTable, type Column } from '../components/DataTable';
import { DataPage } from '../components/DataPage';
import { Spinner, StatTiles } from '../components/Feedback';
import { fetchClusters, fetchEnabledClouds, fetchWorkspaces } from '../data';
import { cloudName } from '../format';
import { useData } from '../hooks';

interface CloudRow {
  cloud: string;
  workspaces: string[];
  clusters: number;
}
interface ContextRow {
  context: string;
  kind: string;
  clusters: number;
}

async function load() {
  const workspaces = Object.keys(await fetchWorkspaces());
  const names = workspaces.length ? workspaces : ['default'];
  const [enabled, clusters] = await Promise.all([fetchEnabledClouds(names), fetchClusters().catch((): StatusRecord[] => [])]);
  const clouds = new Map<string, CloudRow>();
  const contexts = new Map<string, ContextRow>();
  for (const ws of names) {
    for (const entry of enabled[ws] ?? []) {
      const [head, ...rest] = entry.split('/');
      const sub = rest.join('/');
      const kind = cloudName(head);
      if (sub && (kind === 'Kubernetes' || kind === 'SSH')) {
        const context = kind === 'SSH' ? `ssh-${sub}` : sub;
        contexts.set(context, { context, kind, clusters: 0 });
      }
      const row = clouds.get(kind) ?? { cloud: kind, workspaces: [], clusters: 0 };
      if (!row.workspaces.includes(ws)) row.workspaces.push(ws);
      clouds.set(kind, row);
    }
  }
  for (const c of clusters) {
    const row = clouds.get(cloudName(c.cloud ?? ''));
    if (row) row.clusters++;
    const ctx = c.region ? contexts.get(c.region) : undefined;
    if (ctx) ctx.clusters++;
  }
  return { clouds: [...clouds.values()], contexts: [...contexts.values()], workspaces: names };
}

const columns: Column<CloudRow>[] = [
  { key: 'cloud', label: 'Infra', render: (r) => <span class="strong">{r.cloud}</span>, sort: (r) => r.cloud },
  {
    key: 'workspaces',
    label: 'Enabled in workspaces',
    render: (r) => (
      <span class="tags">
        {r.workspaces.map((w) => (
          <span class="tag" key={w}>
            {w}
          </span>
        ))}
      </span>
    ),
    sort: (r) => r.workspaces.length,
  },
  { key: 'clusters', label: 'Clusters', render: (r) => r.clusters, sort: (r) => r.clusters, class: 'num' },
];

export function InfraPage() {
  const state = useData(load, 'infra');
  const { data, loading } = state;
  return (
    <DataPage title="Infrastructure" subtitle="Enabled clouds and Kubernetes GPU capacity" state={state}>
      {!data && loading && <Spinner />}
      {data && (
        <>
          <StatTiles
            items={[
              { label: 'Enabled infra', value: data.clouds.length },
              { label: 'Kubernetes contexts', value: data.contexts.length },
              { label: 'Workspaces', value: data.workspaces.length },
            ]}
          />
          <h2 class="section-title">Clouds</h2>
          <DataTable
            rows={data.clouds}
            columns={columns}
            rowKey={(r) => r.cloud}
            rowTestId="cloud-row"
            initialSort={{ key: 'cloud', desc: false }}
            empty="No infrastructure is enabled. Run sky check."
          />
          <h2 class="section-title">Kubernetes and SSH node pools</h2>
          {data.contexts.length === 0 && <div class="card empty-card">No Kubernetes contexts are enabled.</div>}
          {data.contexts.map((c) => (
            <ContextCard key={c.context} context={c.context} kind={c.kind} clusters={c.clusters} />
          ))}
        </>
      )}
    </DataPage>
  );
}
