/**
 * The state database's tables as kysely sees them: one definition for SQLite and PostgreSQL. JSON
 * columns are text (`metadata`, `handle`, ...), booleans are 0/1 integers, times are epoch seconds.
 */
import type { Generated } from 'kysely';

export interface ClustersTable {
  name: string;
  launched_at: number;
  handle: string;
  last_use: string;
  status: string;
  autostop: number;
  to_down: number;
  metadata: string;
  owner: string | null;
  cluster_hash: string;
  storage_mounts_metadata: string | null;
  cluster_ever_up: number;
  status_updated_at: number | null;
  config_hash: string | null;
  user_hash: string | null;
  workspace: string;
  last_creation_yaml: string | null;
  last_creation_command: string | null;
  is_managed: number;
  provision_log_path: string | null;
}

export interface ClusterHistoryTable {
  cluster_hash: string;
  name: string;
  num_nodes: number;
  requested_resources: string | null;
  launched_resources: string;
  usage_intervals: string;
  user_hash: string | null;
  last_creation_yaml: string | null;
  last_creation_command: string | null;
  workspace: string;
  provision_log_path: string | null;
  /** Derived from `usage_intervals` (historyColumns.ts): the latest start. */
  launched_at: Generated<number>;
  /** Derived from `usage_intervals`: the latest end, `STILL_ACTIVE` while an interval is open. */
  active_until: Generated<number>;
  /** The reason of the cluster's latest status change (migration 10), kept by every event write. */
  last_event: Generated<string | null>;
}

export interface ClusterEventsTable {
  cluster_hash: string;
  name: string;
  starting_status: string | null;
  ending_status: string | null;
  reason: string;
  transitioned_at: number;
  type: string;
  /** Orders events within one second (microseconds since the epoch, strictly increasing here). */
  seq: Generated<number>;
}

export interface UsersTable {
  id: string;
  name: string | null;
  password: string | null;
  created_at: number | null;
  user_type: string;
}

export interface UserRolesTable {
  user_id: string;
  role: string;
}

export interface ConfigTable {
  key: string;
  value: string;
}

export interface ClusterJobsTable {
  cluster_name: string;
  job_id: number;
  job_name: string;
  user_hash: string;
  submitted_at: number;
  start_at: number | null;
  end_at: number | null;
  resources: string;
  status: string;
  log_path: string;
  metadata: string;
  log: string;
}

export interface VolumesTable {
  name: string;
  launched_at: number;
  config: string;
  user_hash: string;
  workspace: string;
  last_attached_at: number | null;
  last_use: string;
  status: string;
}

/** A managed job (upstream's `job_info`): what its tasks share. Its status is its tasks' (managedJobStatus.ts). */
export interface ManagedJobsTable {
  job_id: Generated<number>;
  name: string;
  user_hash: string;
  workspace: string;
  entrypoint: string;
  user_yaml: string | null;
  schedule_state: string;
  priority: number;
  pool: string | null;
  current_cluster_name: string | null;
  log: string;
}

/** One task of a managed job (upstream's `spot` table), keyed by (job_id, task_id); task ids run 0, 1, ... */
export interface ManagedJobTasksTable {
  job_id: number;
  task_id: number;
  task_name: string;
  status: string;
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
}

export interface SshKeyTable {
  user_hash: string;
  ssh_public_key: string;
  ssh_private_key: string;
}

export interface StorageTable {
  name: string;
  launched_at: number;
  /** JSON list of store types (`["S3"]`). */
  store: string;
  last_use: string;
  status: string;
  user_hash: string | null;
}

export interface RecipesTable {
  name: string;
  description: string | null;
  content: string;
  recipe_type: string;
  pinned: number;
  user_hash: string | null;
  created_at: number;
  updated_at: number;
}

/** A request that committed a change to the state, recorded in that change's transaction. */
export interface RequestEffectsTable {
  request_id: string;
  recorded_at: number;
}

/** A service-account token (upstream's `service_account_tokens`): its sha256, never the token. */
export interface ServiceAccountTokensTable {
  token_id: string;
  token_name: string;
  token_hash: string;
  created_at: number;
  last_used_at: number | null;
  expires_at: number | null;
  creator_user_hash: string;
  service_account_user_id: string;
}

export interface StateSchema {
  clusters: ClustersTable;
  cluster_history: ClusterHistoryTable;
  cluster_events: ClusterEventsTable;
  users: UsersTable;
  user_roles: UserRolesTable;
  config: ConfigTable;
  cluster_jobs: ClusterJobsTable;
  volumes: VolumesTable;
  managed_jobs: ManagedJobsTable;
  managed_job_tasks: ManagedJobTasksTable;
  ssh_key: SshKeyTable;
  storage: StorageTable;
  recipes: RecipesTable;
  request_effects: RequestEffectsTable;
  service_account_tokens: ServiceAccountTokensTable;
}
