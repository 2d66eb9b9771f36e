/**
 * Cluster detail: /dashboard/clusters/<name> and /dashboard/clusters/<name>/<job id> (with that job's log).
 * Calls: POST /status {cluster_names: [name], all_users: true, include_credentials: false,
 *        include_handle: false, summary_response: false};
 *        POST /queue {cluster_name, skip_finished: false, all_users: true} (skipped while STOPPED);
 *        POST /logs {cluster_name, job_id, follow: true, tail: 10000} (streamed text) for the chosen job;
 *        buttons: POST /stop, /start, /down {cluster_name}.
 * On the sandbox demo, while the cluster is INIT or a job is unfinished, the page and the open log
 * refresh every 2 s (while the tab is visible), so a start or a launch is seen going INIT -> UP and
 * its log growing. Elsewhere nothing changes by itself, and the page refreshes every 30 s.
 * Test hooks: data-testid="job-row" (data-key = job id), "job-log-link", "action-stop", "action-start",
 *             "action-down", "log-viewer", "log-text", "cluster-not-found", "error-banner", "toast".
 */
import { useEffect } from 'preact/hooks';
import type { ClusterJobRecord, StatusRecord } from '../../../api/wireTypes';
import { ActionButton } from '../components/ActionButton';
import { DataTable, type Column } from '../components/DataTable';
import { DataPage } from '../components/DataPage';
import { Details, Spinner } from '../components/Feedback';
import { LogViewer } from '../components/LogViewer';
import { StatusBadge } from '../components/StatusBadge';
import { isSandboxMode } from '../api';
import { type ClusterAction, clusterAction, fetchCluster, fetchClusterJobs, streamClusterLog } from '../data';
import { ACTIVE_CLUSTER_JOB_STATUSES, isAmong } from '../../../vocab/statuses';
import { dateTime, infra, relativeTime, span } from '../format';
import { errorMessage, useData, useTick } from '../hooks';
import { Link } from '../router';

const LIVE_REFRESH_MS = 2000;

/** The write buttons, in the order shown (test id `action-<action>`). */
const ACTIONS: { action: ClusterAction; label: string; requested: string; variant?: 'danger' }[] = [
  { action: 'start', label: 'Start', requested: 'Start requested' },
  { action: 'stop', label: 'Stop', requested: 'Stop requested' },
  { action: 'down', label: 'Down', requested: 'Teardown requested', variant: 'danger' },
];

interface Loaded {
  cluster: StatusRecord | null;
  jobs: ClusterJobRecord[] | null;
  jobsError: string | null;
}

async function load(name: string): Promise<Loaded> {
  const cluster = await fetchCluster(name);
  if (!cluster) return { cluster, jobs: null, jobsError: null };
  if (cluster.status === 'STOPPED') return { cluster, jobs: null, jobsError: 'The cluster is stopped: start it to see its jobs.' };
  try {
    return { cluster, jobs: await fetchClusterJobs(name), jobsError: null };
  } catch (e) {
    return { cluster, jobs: null, jobsError: errorMessage(e) };
  }
}

function jobColumns(cluster: string, selected: string | undefined): Column<ClusterJobRecord>[] {
  const logLink = (j: ClusterJobRecord) => `/clusters/${encodeURIComponent(cluster)}/${j.job_id}`;
  return [
    {
      key: 'id',
      label: 'ID',
      render: (j) => <span class={selected === String(j.job_id) ? 'strong' : ''}>{j.job_id}</span>,
      sort: (j) => j.job_id,
    },
    { key: 'name', label: 'Name', render: (j) => j.job_name || '-', sort: (j) => j.job_name },
    { key: 'user', label: 'User', render: (j) => j.username || '-', sort: (j) => j.username },
    {
      key: 'submitted',
      label: 'Submitted',
      render: (j) => <span title={dateTime(j.submitted_at)}>{relativeTime(j.submitted_at)}</span>,
      sort: (j) => j.submitted_at,
    },
    {
      key: 'duration',
      label: 'Duration',
      render: (j) => span(j.start_at, j.end_at),
      sort: (j) => (j.start_at ? (j.end_at ?? Date.now() / 1000) - j.start_at : null),
    },
    { key: 'status', label: 'Status', render: (j) => <StatusBadge status={j.status} />, sort: (j) => j.status },
    { key: 'resources', label: 'Resources', render: (j) => <span class="mono-soft">{j.resources || '-'}</span> },
    {
      key: 'logs',
      label: 'Logs',
      render: (j) => (
        <Link to={logLink(j)} class="btn btn-small" data-testid="job-log-link">
          View log
        </Link>
      ),
    },
  ];
}

export function ClusterDetailPage({ name, job }: { name: string; job?: string }) {
  const state = useData(() => load(name), `cluster:${name}`);
  const { data, loading, updatedAt, reload } = state;
  useTick();
  const c = data?.cluster;
  const jobId = job !== undefined && /^\d+$/.test(job) ? Number(job) : undefined;
  const isLive = (status: string | undefined) => isAmong(ACTIVE_CLUSTER_JOB_STATUSES, status);
  const changing = isSandboxMode() && (c?.status === 'INIT' || (data?.jobs ?? []).some((j) => isLive(j.status)));
  const jobLive = isSandboxMode() && jobId !== undefined && isLive(data?.jobs?.find((j) => j.job_id === jobId)?.status);
  useEffect(() => {
    if (!changing) return undefined;
    const timer = window.setTimeout(() => document.visibilityState !== 'hidden' && reload(), LIVE_REFRESH_MS);
    return () => window.clearTimeout(timer);
  }, [changing, updatedAt]);

  const actions = ACTIONS.map(({ action, label, requested, variant }) => (
    <ActionButton
      key={action}
      label={label}
      testId={`action-${action}`}
      variant={variant}
      run={() => clusterAction(action, name)}
      success={`${requested} for ${name}`}
      onDone={reload}
    />
  ));

  return (
    <>
      <div class="crumbs">
        <Link to="/clusters">Clusters</Link> <span>/</span> <span>{name}</span>
      </div>
      <DataPage
        title={
          <>
            {name} {c && <StatusBadge status={c.status} cluster />}
          </>
        }
        state={state}
        actions={actions}
      >
        {!data && loading && <Spinner />}
        {data && !c && (
          <div class="card empty-card" data-testid="cluster-not-found">
            Cluster <strong>{name}</strong> was not found. It may have been torn down.
          </div>
        )}
        {c && (
          <div class="card">
            <div class="card-header">
              <h2>Details</h2>
            </div>
            <Details
              items={[
                ['Status', <StatusBadge status={c.status} cluster />],
                ['User', c.user_name || '-'],
                ['Workspace', c.workspace || 'default'],
                ['Infra', infra(c.cloud, c.region, c.zone)],
                ['Resources', c.resources_str_full || c.resources_str || '-'],
                ['Nodes', c.nodes ?? '-'],
                ['Started', <span title={dateTime(c.launched_at)}>{relativeTime(c.launched_at)}</span>],
                ['Autostop', c.autostop >= 0 ? `${c.autostop} min${c.to_down ? ' (down)' : ''}` : '-'],
                ['Head IP', c.head_ip || '-'],
                ['Last command', <code>{c.last_creation_command || c.last_use || '-'}</code>],
              ]}
            />
          </div>
        )}
        {c && (
          <>
            <h2 class="section-title">Jobs</h2>
            {data?.jobsError ? (
              <div class="banner banner-info">{data.jobsError}</div>
            ) : (
              <DataTable
                rows={data?.jobs ?? []}
                columns={jobColumns(name, job)}
                rowKey={(j) => String(j.job_id)}
                rowTestId="job-row"
                filter={{ text: (j) => `${j.job_id} ${j.job_name} ${j.username} ${j.status}`, placeholder: 'Filter jobs…' }}
                initialSort={{ key: 'id', desc: true }}
                empty="No jobs on this cluster."
              />
            )}
          </>
        )}
        {c && jobId !== undefined && (
          <LogViewer
            title={`Log of job ${jobId}`}
            streamKey={`${name}/${jobId}`}
            reveal
            stream={(onChunk, signal) => streamClusterLog(name, jobId, onChunk, signal)}
            refreshMs={jobLive ? LIVE_REFRESH_MS : undefined}
          />
        )}
      </DataPage>
    </>
  );
}
