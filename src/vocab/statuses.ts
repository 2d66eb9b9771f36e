/**
 * Every status and kind SkyPilot's protocol names, defined once (`as const` arrays) with their types
 * derived from them. Server, state, client, CLI and dashboard all import from here, so a status added
 * upstream is added in one place.
 */

/** Live clusters only: a terminated cluster has no row, so no status (it lives on in history). */
export const CLUSTER_STATUSES = ['INIT', 'UP', 'STOPPED'] as const;
export type ClusterStatus = (typeof CLUSTER_STATUSES)[number];

/** Jobs on a cluster (SkyPilot's `job_lib.JobStatus`), in lifecycle order: the active ones first. */
const ACTIVE_CLUSTER_JOBS = ['INIT', 'PENDING', 'SETTING_UP', 'RUNNING'] as const;
export const CLUSTER_JOB_STATUSES = [...ACTIVE_CLUSTER_JOBS, 'SUCCEEDED', 'FAILED', 'FAILED_SETUP', 'FAILED_DRIVER', 'CANCELLED'] as const;
export type ClusterJobStatus = (typeof CLUSTER_JOB_STATUSES)[number];
export const ACTIVE_CLUSTER_JOB_STATUSES: readonly ClusterJobStatus[] = ACTIVE_CLUSTER_JOBS;

export function isActiveClusterJob(status: ClusterJobStatus): boolean {
  return ACTIVE_CLUSTER_JOB_STATUSES.includes(status);
}

/** Managed jobs (SkyPilot's `jobs.state.ManagedJobStatus`), in lifecycle order: in progress, then terminal. */
const IN_PROGRESS_MANAGED_JOBS = ['PENDING', 'SUBMITTED', 'STARTING', 'RUNNING', 'RECOVERING', 'CANCELLING'] as const;
const TERMINAL_MANAGED_JOBS = [
  'SUCCEEDED',
  'CANCELLED',
  'FAILED',
  'FAILED_SETUP',
  'FAILED_PRECHECKS',
  'FAILED_NO_RESOURCE',
  'FAILED_CONTROLLER',
] as const;
export const MANAGED_JOB_STATUSES = [...IN_PROGRESS_MANAGED_JOBS, ...TERMINAL_MANAGED_JOBS] as const;
export type ManagedJobStatus = (typeof MANAGED_JOB_STATUSES)[number];
export const IN_PROGRESS_MANAGED_JOB_STATUSES: readonly ManagedJobStatus[] = IN_PROGRESS_MANAGED_JOBS;
export const TERMINAL_MANAGED_JOB_STATUSES: ReadonlySet<ManagedJobStatus> = new Set(TERMINAL_MANAGED_JOBS);

export function isTerminalManagedJob(status: ManagedJobStatus): boolean {
  return TERMINAL_MANAGED_JOB_STATUSES.has(status);
}

export const MANAGED_JOB_SCHEDULE_STATES = [
  'INVALID',
  'INACTIVE',
  'WAITING',
  'ALIVE_WAITING',
  'LAUNCHING',
  'ALIVE_BACKOFF',
  'ALIVE',
  'DONE',
] as const;
export type ManagedJobScheduleState = (typeof MANAGED_JOB_SCHEDULE_STATES)[number];

/** API server requests: PENDING -> RUNNING -> one of the finished statuses. */
const FINISHED_REQUESTS = ['SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export const REQUEST_STATUSES = ['PENDING', 'RUNNING', ...FINISHED_REQUESTS] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
export const FINISHED_REQUEST_STATUSES: ReadonlySet<RequestStatus> = new Set(FINISHED_REQUESTS);

export function isFinishedRequest(status: RequestStatus): boolean {
  return FINISHED_REQUEST_STATUSES.has(status);
}

/** The executor's two queues, as upstream: quick requests never wait behind launches. */
export const SCHEDULE_TYPES = ['short', 'long'] as const;
export type ScheduleType = (typeof SCHEDULE_TYPES)[number];

export const CLUSTER_EVENT_TYPES = ['DEBUG', 'STATUS_CHANGE'] as const;
export type ClusterEventType = (typeof CLUSTER_EVENT_TYPES)[number];

export const USER_ROLES = ['admin', 'user', 'viewer'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const USER_TYPES = ['basic', 'sso', 'legacy', 'sa', 'system'] as const;
export type UserType = (typeof USER_TYPES)[number];

export const VOLUME_STATUSES = ['READY', 'IN_USE'] as const;
export type VolumeStatus = (typeof VOLUME_STATUSES)[number];

export const STATUS_REFRESH_MODES = ['NONE', 'AUTO', 'FORCE'] as const;

export const CLOUD_CAPABILITIES = ['compute', 'storage'] as const;
export type CloudCapability = (typeof CLOUD_CAPABILITIES)[number];

/**
 * What `sky logs` and `sky jobs logs` exit with (upstream's `JobExitCode`): the request behind a
 * streamed log returns it, and the official CLI passes it to `sys.exit`.
 */
export const JOB_EXIT_CODES = { SUCCEEDED: 0, FAILED: 100, NOT_FINISHED: 101, NOT_FOUND: 102, CANCELLED: 103 } as const;
export type JobExitCode = (typeof JOB_EXIT_CODES)[keyof typeof JOB_EXIT_CODES];

export function clusterJobExitCode(status: ClusterJobStatus): JobExitCode {
  if (status === 'SUCCEEDED') return JOB_EXIT_CODES.SUCCEEDED;
  if (status === 'CANCELLED') return JOB_EXIT_CODES.CANCELLED;
  return isActiveClusterJob(status) ? JOB_EXIT_CODES.NOT_FINISHED : JOB_EXIT_CODES.FAILED;
}

export function managedJobExitCode(status: ManagedJobStatus): JobExitCode {
  if (status === 'SUCCEEDED') return JOB_EXIT_CODES.SUCCEEDED;
  if (status === 'CANCELLED') return JOB_EXIT_CODES.CANCELLED;
  return isTerminalManagedJob(status) ? JOB_EXIT_CODES.FAILED : JOB_EXIT_CODES.NOT_FINISHED;
}

/** Storage objects (`sky storage ls`): upstream's `StorageStatus` and `StoreType` values. */
export const STORAGE_STATUSES = ['INIT', 'INIT_FAILED', 'UPLOAD_FAILED', 'READY'] as const;
export type StorageStatus = (typeof STORAGE_STATUSES)[number];
export const STORE_TYPES = ['S3', 'GCS', 'AZURE', 'R2', 'IBM', 'OCI', 'NEBIUS', 'COREWEAVE'] as const;
export type StoreType = (typeof STORE_TYPES)[number];

/** What a recipe launches (the dashboard's Recipes page filters on it). */
export const RECIPE_TYPES = ['cluster', 'job', 'pool', 'volume'] as const;
export type RecipeType = (typeof RECIPE_TYPES)[number];

/**
 * Whether a status read off the wire as a plain string (the CLI, the dashboard) is one of `statuses`;
 * one this vocabulary does not know, or none, is not.
 */
export function isAmong<S extends string>(statuses: Iterable<S>, status: string | null | undefined): status is S {
  return [...statuses].some((known) => known === status);
}
