/**
 * One Kubernetes context (or SSH node pool) on the infra page: its GPU totals and a table of nodes.
 * Calls: POST /kubernetes_node_info {context}.
 * Test hooks: data-testid="context-card" (data-key = context), "node-row" (data-key = node name).
 */
import type { NodeInfo } from '../../../api/wireTypes';
import { fetchNodeInfo } from '../data';
import { useData } from '../hooks';
import { DataTable, type Column } from './DataTable';
import { ErrorBanner } from './Feedback';

const used = (n: NodeInfo) => Math.max(0, (n.total?.accelerator_count ?? 0) - (n.free?.accelerators_available ?? 0));

const columns: Column<NodeInfo>[] = [
  { key: 'name', label: 'Node', render: (n) => <span class="strong">{n.name}</span>, sort: (n) => n.name },
  { key: 'gpu', label: 'GPU', render: (n) => n.accelerator_type || '-', sort: (n) => n.accelerator_type },
  { key: 'total', label: 'GPUs', render: (n) => n.total?.accelerator_count ?? 0, sort: (n) => n.total?.accelerator_count, class: 'num' },
  {
    key: 'free',
    label: 'Free',
    render: (n) => n.free?.accelerators_available ?? 0,
    sort: (n) => n.free?.accelerators_available,
    class: 'num',
  },
  { key: 'used', label: 'Used', render: used, sort: used, class: 'num' },
  { key: 'cpu', label: 'vCPUs', render: (n) => n.cpu_count ?? '-', sort: (n) => n.cpu_count, class: 'num' },
  {
    key: 'mem',
    label: 'Memory',
    render: (n) => (n.memory_gb ? `${Math.round(n.memory_gb)} GB` : '-'),
    sort: (n) => n.memory_gb,
    class: 'num',
  },
  { key: 'ip', label: 'IP', render: (n) => <span class="mono-soft">{n.ip_address || '-'}</span> },
  {
    key: 'ready',
    label: 'Ready',
    render: (n) => (n.is_ready === false ? <span class="badge badge-red">NOT READY</span> : <span class="badge badge-green">READY</span>),
  },
];

export function ContextCard({ context, kind, clusters }: { context: string; kind: string; clusters: number }) {
  const state = useData(() => fetchNodeInfo(context), `ctx:${context}`);
  const { data, error, reload } = state;
  const nodes = Object.entries(data?.node_info_dict ?? {}).map(([key, n]) => ({ ...n, name: n.name || key }));
  const total = nodes.reduce((s, n) => s + (n.total?.accelerator_count ?? 0), 0);
  const free = nodes.reduce((s, n) => s + (n.free?.accelerators_available ?? 0), 0);
  const pct = total > 0 ? Math.round(((total - free) / total) * 100) : 0;

  return (
    <section class="context" data-testid="context-card" data-key={context}>
      <div class="context-head">
        <div>
          <h3>
            {context} <span class="pill">{kind}</span>
          </h3>
          <div class="muted">
            {data ? `${nodes.length} node${nodes.length === 1 ? '' : 's'} · ` : ''}
            {clusters} cluster{clusters === 1 ? '' : 's'}
          </div>
        </div>
        {data && (
          <div class="gpu-summary" title={`${total - free} of ${total} GPUs in use`}>
            <div class="gpu-numbers">
              <span>
                <strong>{total}</strong> GPUs
              </span>
              <span class="green-text">
                <strong>{free}</strong> free
              </span>
              <span>
                <strong>{total - free}</strong> used
              </span>
            </div>
            <div class="meter" aria-hidden="true">
              <div class="meter-fill" style={{ width: `${pct}%` }} />
            </div>
          </div>
        )}
      </div>
      <ErrorBanner message={error} onRetry={reload} />
      {data?.hint && <div class="muted hint">{data.hint}</div>}
      {(data || !error) && (
        <DataTable
          rows={nodes}
          columns={columns}
          rowKey={(n) => n.name}
          rowTestId="node-row"
          initialSort={{ key: 'name', desc: false }}
          empty="No nodes found in this context."
          emptyOnError="Node information is unavailable."
          state={state}
        />
      )}
    </section>
  );
}
