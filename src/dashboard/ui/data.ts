/**
 * The server calls the pages share, with their exact bodies. Pages import these rather than building
 * requests themselves, so every endpoint the dashboard uses is listed here.
 */
import type {
  ClusterJobRecord,
  HealthResponse,
  KubernetesNodeInfoResult,
  ManagedJobRecord,
  ManagedJobsPage,
  StatusRecord,
  UserRecord,
  UserRoleRecord,
  WorkspacesMap,
} from '../../api/wireTypes';
import { HEADERS } from '../../vocab/headers';
import { direct, directPost, directWithHeaders, scheduled, streamText } from './api';

export type Health = Partial<HealthResponse>;
export type ManagedJob = Partial<ManagedJobRecord> & { job_id: number };

/** `X-SkyPilot-Demo` is `true` on the read-only demo and `sandbox` on the demo with sessions. */
export async function fetchHealth(): Promise<{ health: Health; demo: boolean; sandbox: boolean }> {
  const { data, headers } = await directWithHeaders<Health>('/api/health');
  const mode = (headers.get(HEADERS.demo) ?? '').toLowerCase();
  return { health: data ?? {}, demo: mode === 'true' || mode === 'sandbox', sandbox: mode === 'sandbox' };
}

/** The visitor's sandbox session (src/sessions/sessionEndpoints.ts); `session_id` null when none could be had. */
export interface SandboxSession {
  session_id: string | null;
  seconds_left?: number;
  extensions_left?: number;
  changes?: number;
  max_changes?: number;
  replaced_expired?: boolean;
  notice?: string | null;
  message?: string | null;
  launchable: string[];
}

export const fetchSandboxSession = () => direct<SandboxSession>('/demo/session');
export const extendSandboxSession = () => directPost<SandboxSession>('/demo/session/extend');
export const resetSandboxSession = () => directPost<SandboxSession>('/demo/session/reset');

/** A launch of one of the demo's recipes; resolves once the launch is recorded (the cluster then provisions). */
export const launchRecipe = (recipe: string, clusterName: string) =>
  scheduled<unknown>('POST', '/launch', { task: `recipes:${recipe}`, cluster_name: clusterName });

export const fetchRole = () => direct<UserRoleRecord>('/users/role');
export const fetchUsers = async () => (await direct<UserRecord[]>('/users')) ?? [];
export const fetchWorkspaces = async () => (await scheduled<WorkspacesMap>('GET', '/workspaces')) ?? {};

export async function fetchClusters(): Promise<StatusRecord[]> {
  const list = await scheduled<StatusRecord[]>('POST', '/status', {
    cluster_names: null,
    all_users: true,
    include_credentials: false,
    include_handle: false,
    summary_response: true,
  });
  return Array.isArray(list) ? list : [];
}

export async function fetchCluster(name: string): Promise<StatusRecord | null> {
  const list = await scheduled<StatusRecord[]>('POST', '/status', {
    cluster_names: [name],
    all_users: true,
    include_credentials: false,
    include_handle: false,
    summary_response: false,
  });
  return (Array.isArray(list) ? list : []).find((c) => c.name === name) ?? null;
}

export async function fetchClusterJobs(clusterName: string): Promise<ClusterJobRecord[]> {
  const list = await scheduled<ClusterJobRecord[]>('POST', '/queue', {
    cluster_name: clusterName,
    skip_finished: false,
    all_users: true,
  });
  return Array.isArray(list) ? list : [];
}

// follow: the log view grows while the job runs (where the server follows: the moving demo).
export const streamClusterLog = (clusterName: string, jobId: number, onChunk: (t: string) => void, signal: AbortSignal) =>
  streamText('/logs', { cluster_name: clusterName, job_id: jobId, follow: true, tail: 10000 }, onChunk, signal);

export interface JobsResult {
  jobs: ManagedJob[];
  statusCounts: Record<string, number>;
}

/** /jobs/queue/v2 answers either a list (older) or a page object with status_counts. */
export async function fetchManagedJobs(jobIds?: number[]): Promise<JobsResult> {
  const body: Record<string, unknown> = { all_users: true, verbose: true, skip_finished: false };
  if (jobIds) body.job_ids = jobIds.map(String);
  const raw = await scheduled<ManagedJobsPage | ManagedJob[]>('POST', '/jobs/queue/v2', body);
  const jobs = (Array.isArray(raw) ? raw : (raw?.jobs ?? [])) as ManagedJob[];
  let statusCounts = !Array.isArray(raw) && raw?.status_counts ? raw.status_counts : null;
  if (!statusCounts) {
    statusCounts = {};
    for (const j of jobs) if (j.status) statusCounts[j.status] = (statusCounts[j.status] ?? 0) + 1;
  }
  return { jobs, statusCounts };
}

/**
 * Who owns what, for the per-row counts of the users and workspaces pages: every cluster and every
 * managed job, but only the fields a count needs (`fields` on `/jobs/queue/v2`), so an org with
 * 25,000 jobs costs a small answer. Either list is null when its call failed.
 */
export interface Ownership {
  clusters: StatusRecord[] | null;
  jobs: ManagedJob[] | null;
}

export async function fetchOwnership(): Promise<Ownership> {
  const [clusters, jobs] = await Promise.all([
    fetchClusters().catch(() => null),
    scheduled<ManagedJobsPage | ManagedJob[]>('POST', '/jobs/queue/v2', {
      all_users: true,
      skip_finished: false,
      fields: ['user_hash', 'user_name', 'workspace', 'status'],
    })
      .then((raw) => (Array.isArray(raw) ? raw : (raw?.jobs ?? [])) as ManagedJob[])
      .catch(() => null),
  ]);
  return { clusters, jobs };
}

/** Counts rows per key in one pass (a page of 400 users x 25,000 jobs must not filter per user). */
export function countBy<T>(rows: T[], key: (row: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of rows) {
    const k = key(r);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

export interface JobsPageQuery {
  page: number;
  limit: number;
  status: string | null;
  nameMatch: string;
}

export interface JobsPageResult extends JobsResult {
  /** Rows matching every filter (the pager's length). */
  total: number;
}

/**
 * One page of managed jobs, newest first, filtered and counted by the server (`/jobs/queue/v2` with
 * `page`/`limit`, as upstream's dashboard asks): a store of 50,000 jobs costs one page of rows. A
 * server answering a plain list (older) is paged here instead.
 */
export async function fetchManagedJobsPage(query: JobsPageQuery): Promise<JobsPageResult> {
  const body = {
    all_users: true,
    verbose: true,
    skip_finished: false,
    page: query.page,
    limit: query.limit,
    statuses: query.status ? [query.status] : null,
    name_match: query.nameMatch.trim() || null,
  };
  const raw = await scheduled<ManagedJobsPage | ManagedJob[]>('POST', '/jobs/queue/v2', body);
  if (raw && !Array.isArray(raw)) {
    return { jobs: (raw.jobs ?? []) as ManagedJob[], statusCounts: raw.status_counts ?? {}, total: raw.total ?? 0 };
  }
  const all = (raw ?? []) as ManagedJob[];
  const statusCounts: Record<string, number> = {};
  for (const j of all) if (j.status) statusCounts[j.status] = (statusCounts[j.status] ?? 0) + 1;
  const matching = query.status ? all.filter((j) => j.status === query.status) : all;
  const start = (query.page - 1) * query.limit;
  return { jobs: matching.slice(start, start + query.limit), statusCounts, total: matching.length };
}

export const streamManagedJobLog = (jobId: number, onChunk: (t: string) => void, signal: AbortSignal) =>
  streamText('/jobs/logs', { controller: false, follow: true, job_id: jobId, tail: 5000 }, onChunk, signal);

export async function fetchEnabledClouds(workspaces: string[]): Promise<Record<string, string[]>> {
  const q = encodeURIComponent(workspaces.join(','));
  return (await scheduled<Record<string, string[]>>('GET', `/enabled_clouds/batch?workspaces=${q}&expand=true`)) ?? {};
}

export const fetchNodeInfo = (context: string) => scheduled<KubernetesNodeInfoResult>('POST', '/kubernetes_node_info', { context });

export type ClusterAction = 'stop' | 'start' | 'down';
export const clusterAction = (action: ClusterAction, clusterName: string) =>
  scheduled<unknown>('POST', `/${action}`, { cluster_name: clusterName });

export const cancelManagedJob = (jobId: number) => scheduled<unknown>('POST', '/jobs/cancel', { job_ids: [jobId] });
