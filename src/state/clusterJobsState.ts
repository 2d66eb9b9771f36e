/**
 * Jobs on a cluster (SkyPilot keeps them on the cluster, in the skylet's job table; this server keeps
 * its own copy) and their logs. Job ids count from 1 per cluster.
 */
import type { ClusterJobStatusName } from '../api/wireTypes';
import { prepared, stateDb } from './database';
import type { ClusterJob } from './records';
import { nowSeconds, parseJson } from './rowCodecs';

interface JobRow {
  cluster_name: string;
  job_id: number;
  job_name: string;
  user_hash: string;
  user_name: string | null;
  submitted_at: number;
  start_at: number | null;
  end_at: number | null;
  resources: string;
  status: string;
  log_path: string;
  metadata: string;
}

export interface NewClusterJob {
  clusterName: string;
  jobName: string;
  userHash: string;
  resources: string;
  status?: ClusterJobStatusName;
  metadata?: Record<string, unknown>;
}

export const clusterJobsState = {
  /** Newest first. */
  async getClusterJobs(clusterName: string): Promise<ClusterJob[]> {
    const rows = prepared(`SELECT j.*, u.name AS user_name FROM cluster_jobs j
      LEFT JOIN users u ON u.id = j.user_hash WHERE j.cluster_name = ? ORDER BY j.job_id DESC`)
      .all(clusterName) as JobRow[];
    return rows.map((r) => ({
      clusterName: r.cluster_name,
      jobId: r.job_id,
      jobName: r.job_name,
      userHash: r.user_hash,
      userName: r.user_name,
      submittedAt: r.submitted_at,
      startAt: r.start_at,
      endAt: r.end_at,
      resources: r.resources,
      status: r.status as ClusterJobStatusName,
      logPath: r.log_path,
      metadata: parseJson<Record<string, unknown>>(r.metadata, {}),
    }));
  },

  async addClusterJob(job: NewClusterJob): Promise<number> {
    const db = stateDb();
    let jobId = 0;
    db.transaction(() => {
      const row = db.prepare('SELECT MAX(job_id) AS m FROM cluster_jobs WHERE cluster_name = ?')
        .get(job.clusterName) as { m: number | null };
      jobId = (row.m ?? 0) + 1;
      db.prepare(`INSERT INTO cluster_jobs (cluster_name, job_id, job_name, user_hash, submitted_at, resources,
          status, log_path, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(job.clusterName, jobId, job.jobName, job.userHash, nowSeconds(), job.resources,
          job.status ?? 'PENDING', `~/sky_logs/${job.clusterName}/${jobId}/run.log`,
          JSON.stringify(job.metadata ?? {}));
    }).immediate();
    return jobId;
  },

  async setClusterJobStatus(clusterName: string, jobId: number, status: ClusterJobStatusName): Promise<void> {
    const now = nowSeconds();
    const terminal = !['INIT', 'PENDING', 'SETTING_UP', 'RUNNING'].includes(status);
    prepared(`UPDATE cluster_jobs SET status = ?,
        start_at = CASE WHEN ? = 'RUNNING' AND start_at IS NULL THEN ? ELSE start_at END,
        end_at = CASE WHEN ? THEN ? ELSE end_at END
      WHERE cluster_name = ? AND job_id = ?`)
      .run(status, status, now, terminal ? 1 : 0, now, clusterName, jobId);
  },

  async appendClusterJobLog(clusterName: string, jobId: number, text: string): Promise<void> {
    prepared('UPDATE cluster_jobs SET log = log || ? WHERE cluster_name = ? AND job_id = ?')
      .run(text, clusterName, jobId);
  },

  /** Null when the job does not exist. */
  async getClusterJobLog(clusterName: string, jobId: number): Promise<string | null> {
    const row = prepared('SELECT log FROM cluster_jobs WHERE cluster_name = ? AND job_id = ?')
      .get(clusterName, jobId) as { log: string } | undefined;
    return row ? row.log : null;
  },

  async removeClusterJobs(clusterName: string): Promise<void> {
    prepared('DELETE FROM cluster_jobs WHERE cluster_name = ?').run(clusterName);
  },
};
