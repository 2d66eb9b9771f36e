/**
 * Managed jobs (SkyPilot's `jobs/state`): jobs that a controller launches, recovers and tears down.
 * Statuses run PENDING -> STARTING -> RUNNING (-> RECOVERING -> RUNNING) -> a terminal status.
 * `jobDuration` excludes provisioning and recovery: stored duration + (end or now - last recovery).
 *
 * A seam of its own, like `globalUserState`: every caller goes through `managedJobsState`.
 */
import type { ManagedJobStatusName } from '../api/wireTypes';
import { SkyPilotError } from '../errors';
import { MANAGED_JOB_STATUSES, TERMINAL_MANAGED_JOB_STATUSES } from './clusterStatus';
import { closeStateDb, openStateDb, prepared, stateDb } from './database';
import type { ManagedJob, ManagedJobPage, ManagedJobQuery, NewManagedJob } from './records';
import { Resources, type ResourcesJSON } from './resources';
import { parseJson } from './rowCodecs';
import { queryManagedJobs } from './managedJobQuery';

interface JobRow {
  job_id: number;
  task_id: number;
  name: string;
  task_name: string;
  user_hash: string;
  user_name: string | null;
  workspace: string;
  entrypoint: string;
  user_yaml: string | null;
  status: string;
  schedule_state: string;
  submitted_at: number;
  start_at: number | null;
  end_at: number | null;
  last_recovered_at: number;
  recovery_count: number;
  job_duration: number;
  failure_reason: string | null;
  resources: string;
  num_nodes: number;
  launched_resources: string | null;
  priority: number;
  pool: string | null;
  current_cluster_name: string | null;
}

function nowFloat(): number {
  return Date.now() / 1000;
}

function jobFromRow(r: JobRow, now: number): ManagedJob {
  const running = r.status === 'RUNNING' && r.last_recovered_at > 0;
  return {
    jobId: r.job_id,
    taskId: r.task_id,
    name: r.name,
    taskName: r.task_name,
    userHash: r.user_hash,
    userName: r.user_name,
    workspace: r.workspace,
    entrypoint: r.entrypoint,
    userYaml: r.user_yaml,
    status: r.status as ManagedJobStatusName,
    scheduleState: r.schedule_state,
    submittedAt: r.submitted_at,
    startAt: r.start_at,
    endAt: r.end_at,
    lastRecoveredAt: r.last_recovered_at,
    recoveryCount: r.recovery_count,
    jobDuration: r.job_duration + (running ? Math.max(0, (r.end_at ?? now) - r.last_recovered_at) : 0),
    failureReason: r.failure_reason,
    resources: r.resources,
    numNodes: r.num_nodes,
    launchedResources: r.launched_resources
      ? Resources.fromJSON(parseJson<ResourcesJSON>(r.launched_resources, {} as ResourcesJSON)) : null,
    priority: r.priority,
    pool: r.pool,
    currentClusterName: r.current_cluster_name,
  };
}

export const managedJobsState = {
  async init(options: { dbPath?: string } = {}): Promise<void> {
    openStateDb(options.dbPath);
  },
  async close(): Promise<void> {
    closeStateDb();
  },

  /** Newest first; see `queryManagedJobs` for the filters, paging and counts. */
  async getJobs(query: ManagedJobQuery = {}): Promise<ManagedJobPage> {
    const now = nowFloat();
    const rows = prepared(`SELECT j.*, u.name AS user_name FROM managed_jobs j
      LEFT JOIN users u ON u.id = j.user_hash ORDER BY j.job_id DESC`).all() as JobRow[];
    return queryManagedJobs(rows.map((r) => jobFromRow(r, now)), query);
  },

  async getJob(jobId: number): Promise<ManagedJob | null> {
    const { jobs } = await managedJobsState.getJobs({ jobIds: [jobId] });
    return jobs[0] ?? null;
  },

  async addJob(job: NewManagedJob): Promise<number> {
    const result = prepared(`INSERT INTO managed_jobs (name, task_name, user_hash, workspace, entrypoint,
        user_yaml, status, schedule_state, submitted_at, resources, num_nodes, launched_resources, priority, pool)
      VALUES (?, ?, ?, ?, ?, ?, 'PENDING', 'WAITING', ?, ?, ?, ?, ?, ?)`)
      .run(job.name, job.name, job.userHash, job.workspace ?? 'default', job.entrypoint ?? '', job.userYaml ?? null,
        nowFloat(), job.resources, job.numNodes ?? 1,
        job.launchedResources ? JSON.stringify(job.launchedResources) : null, job.priority ?? 0, job.pool ?? null);
    return Number(result.lastInsertRowid);
  },

  /** Moves a job to `status`, keeping the timing columns consistent. */
  async setJobStatus(jobId: number, status: ManagedJobStatusName, failureReason: string | null = null):
    Promise<void> {
    if (!MANAGED_JOB_STATUSES.includes(status)) {
      throw new SkyPilotError('NotSupportedError', `Unknown managed job status '${status}'.`);
    }
    const db = stateDb();
    db.transaction(() => {
      const row = db.prepare('SELECT * FROM managed_jobs WHERE job_id = ?').get(jobId) as JobRow | undefined;
      if (!row) throw new SkyPilotError('ManagedJobNotFoundError', `Managed job ${jobId} does not exist.`);
      const now = nowFloat();
      const terminal = TERMINAL_MANAGED_JOB_STATUSES.has(status);
      let duration = row.job_duration;
      let lastRecoveredAt = row.last_recovered_at;
      let recoveries = row.recovery_count;
      if (row.status === 'RUNNING' && lastRecoveredAt > 0 && status !== 'RUNNING') {
        duration += now - lastRecoveredAt; // bank the running time that just ended
      }
      if (status === 'RUNNING' && row.status !== 'RUNNING') lastRecoveredAt = now;
      if (status === 'RECOVERING' && row.status !== 'RECOVERING') recoveries += 1;
      db.prepare(`UPDATE managed_jobs SET status = ?, failure_reason = COALESCE(?, failure_reason),
          start_at = COALESCE(start_at, ?), end_at = ?, job_duration = ?, last_recovered_at = ?,
          recovery_count = ?, schedule_state = ? WHERE job_id = ?`)
        .run(status, failureReason, status === 'RUNNING' ? now : null, terminal ? now : null, duration,
          lastRecoveredAt, recoveries, terminal ? 'DONE' : status === 'PENDING' ? 'WAITING' : 'ALIVE', jobId);
    }).immediate();
  },

  async appendJobLog(jobId: number, text: string): Promise<void> {
    prepared('UPDATE managed_jobs SET log = log || ? WHERE job_id = ?').run(text, jobId);
  },

  async getJobLog(jobId: number): Promise<string | null> {
    const row = prepared('SELECT log FROM managed_jobs WHERE job_id = ?').get(jobId) as
      { log: string } | undefined;
    return row ? row.log : null;
  },
};

export type ManagedJobsState = typeof managedJobsState;
