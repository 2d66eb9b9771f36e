/**
 * Managed job detail: /dashboard/jobs/<id>.
 * Calls: POST /jobs/queue/v2 {all_users: true, verbose: true, skip_finished: false, job_ids: ["<id>"]};
 *        POST /jobs/logs {controller: false, follow: true, job_id: <int>, tail: 5000} (streamed text);
 *        Cancel button: POST /jobs/cancel {job_ids: [<int>]}.
 * Test hooks: data-testid="managed-job-detail", "task-row" (one per task, data-key = task id),
 *             "action-cancel", "log-viewer", "log-text", "job-not-found", "error-banner", "toast".
 */
import { ActionButton } from '../components/ActionButton';
import { DataTable } from '../components/DataTable';
import { DataPage } from '../components/DataPage';
import { Details, Spinner } from '../components/Feedback';
import { LogViewer } from '../components/LogViewer';
import { StatusBadge } from '../components/StatusBadge';
import { cancelManagedJob, fetchManagedJobs, streamManagedJobLog, type ManagedJob } from '../data';
import { dateTime, duration, infra, relativeTime } from '../format';
import { useData, useTick } from '../hooks';
import { jobDuration } from '../jobFields';
import { Link } from '../router';

const TERMINAL = /^(SUCCEEDED|CANCELLED|FAILED)/;

export function ManagedJobDetailPage({ id }: { id: string }) {
  const jobId = /^\d+$/.test(id) ? Number(id) : NaN;
  const state = useData(
    async () => (Number.isNaN(jobId) ? [] : (await fetchManagedJobs([jobId])).jobs.filter((j) => Number(j.job_id) === jobId)),
    `job:${id}`,
  );
  const { data, loading, reload } = state;
  useTick();
  const tasks = (data ?? []).slice().sort((a, b) => (a.task_id ?? 0) - (b.task_id ?? 0));
  const job: ManagedJob | undefined = tasks.find((t) => !TERMINAL.test(t.status ?? '')) ?? tasks[tasks.length - 1];

  return (
    <>
      <div class="crumbs">
        <Link to="/jobs">Managed jobs</Link> <span>/</span> <span>{id}</span>
      </div>
      <DataPage
        title={
          <>
            {job?.job_name ? `${job.job_name} ` : `Job ${id} `}
            {job && <StatusBadge status={job.status} />}
          </>
        }
        subtitle={job ? `Managed job ${id}` : undefined}
        state={state}
        actions={
          !Number.isNaN(jobId) && (
            <ActionButton
              label="Cancel job"
              testId="action-cancel"
              variant="danger"
              run={() => cancelManagedJob(jobId)}
              success={`Cancellation requested for job ${id}`}
              onDone={reload}
            />
          )
        }
      >
        {!data && loading && <Spinner />}
        {data && !job && (
          <div class="card empty-card" data-testid="job-not-found">
            Managed job <strong>{id}</strong> was not found.
          </div>
        )}
        {job && (
          <div class="card" data-testid="managed-job-detail">
            <div class="card-header">
              <h2>Details</h2>
            </div>
            <Details
              items={[
                ['Status', <StatusBadge status={job.status} />],
                ['User', job.user_name || '-'],
                ['Workspace', job.workspace || 'default'],
                ['Infra', job.infra || infra(job.cloud, job.region, job.zone)],
                ['Resources', job.resources || job.cluster_resources || '-'],
                ['Submitted', <span title={dateTime(job.submitted_at)}>{relativeTime(job.submitted_at)}</span>],
                ['Started', <span title={dateTime(job.start_at)}>{relativeTime(job.start_at)}</span>],
                ['Duration', duration(jobDuration(job))],
                ['Recoveries', job.recovery_count ?? 0],
                ['Cluster', job.current_cluster_name || '-'],
                ['Pool', job.pool || '-'],
                ['Entrypoint', <code>{job.entrypoint || '-'}</code>],
              ]}
            />
            {(job.failure_reason || job.details) && <div class="banner banner-info detail-note">{job.failure_reason || job.details}</div>}
          </div>
        )}
        {tasks.length > 1 && (
          <>
            <h2 class="section-title">Tasks</h2>
            <DataTable
              rows={tasks}
              rowKey={(t) => String(t.task_id ?? 0)}
              rowTestId="task-row"
              empty="No tasks."
              columns={[
                { key: 'task', label: 'Task', render: (t) => t.task_id ?? 0 },
                { key: 'name', label: 'Name', render: (t) => t.task_name || '-' },
                { key: 'status', label: 'Status', render: (t) => <StatusBadge status={t.status} /> },
                { key: 'duration', label: 'Duration', render: (t) => duration(jobDuration(t)) },
                { key: 'resources', label: 'Resources', render: (t) => t.resources || t.cluster_resources || '-' },
              ]}
            />
          </>
        )}
        {job && (
          <LogViewer title="Job log" streamKey={`job/${jobId}`} stream={(onChunk, signal) => streamManagedJobLog(jobId, onChunk, signal)} />
        )}
      </DataPage>
    </>
  );
}
