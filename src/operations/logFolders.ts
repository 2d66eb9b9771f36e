/**
 * Where job logs live on the server, as `/download_logs` and `/jobs/download_logs` name them and
 * `/download` reads them back: a cluster job's log is `~/sky_logs/<cluster>/<job_id>/run.log`
 * (its `log_path`), a managed job's `~/.sky/managed_jobs_logs/<job_id>/run.log`. The two roots cannot
 * collide: a cluster name never starts with a dot.
 */
export const LOG_FILE = 'run.log';
const CLUSTER_JOB_FOLDER = /^~\/sky_logs\/([a-zA-Z][-_.a-zA-Z0-9]*)\/(\d{1,15})$/;
const MANAGED_JOB_FOLDER = /^~\/\.sky\/managed_jobs_logs\/(\d{1,15})$/;

export function clusterJobFolder(clusterName: string, jobId: number): string {
  return `~/sky_logs/${clusterName}/${jobId}`;
}

export function managedJobFolder(jobId: number): string {
  return `~/.sky/managed_jobs_logs/${jobId}`;
}

export type LogFolder = { kind: 'cluster'; clusterName: string; jobId: number } | { kind: 'managed'; jobId: number };

/** The job a folder names, or null for any other path. */
export function parseLogFolder(folder: string): LogFolder | null {
  const path = folder.replace(/\/+$/, '');
  const cluster = CLUSTER_JOB_FOLDER.exec(path);
  if (cluster) return { kind: 'cluster', clusterName: cluster[1], jobId: Number(cluster[2]) };
  const managed = MANAGED_JOB_FOLDER.exec(path);
  return managed ? { kind: 'managed', jobId: Number(managed[1]) } : null;
}
