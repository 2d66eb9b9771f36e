/**
 * Wire types: the JSON shapes of SkyPilot's REST protocol, shared by the server, the typed client, the
 * CLI and the dashboard. Keys are snake_case because that is what SkyPilot clients send and read.
 *
 * Concepts:
 * - A *scheduled* request answers 200 with an `X-Skypilot-Request-ID` header; its result is a
 *   `RequestPayload` fetched from `GET /api/get`, whose `return_value` and `error` are JSON strings.
 * - A *direct* request answers with its JSON body at once.
 */

import type {
  ClusterJobStatus,
  ClusterStatus,
  ManagedJobScheduleState,
  ManagedJobStatus,
  RecipeType,
  RequestStatus,
  ScheduleType,
  VolumeStatus,
} from '../vocab/statuses';
import type { WorkspacesMap } from '../vocab/workspaces';

export type { WorkspacesMap };

/** What `/api/get` returns. `return_value` and `error` are strings that contain JSON. */
export interface RequestPayload {
  request_id: string;
  name: string;
  entrypoint: string;
  request_body: string;
  status: RequestStatus;
  created_at: number;
  finished_at: number | null;
  user_id: string;
  user_name: string | null;
  return_value: string;
  error: string;
  pid: number | null;
  schedule_type: ScheduleType;
  cluster_name: string | null;
  status_msg: string | null;
  should_retry: boolean;
}

/** The parsed form of `RequestPayload.error`; `object` is the pickled error the Python client rebuilds. @public (the wire, documented) */
export interface RequestErrorBody {
  type: string;
  message: string;
  object?: string;
}

/** The typed JSON body of every 4xx (and the rare 5xx) that is not a request payload. */
export interface ErrorBody {
  detail: string;
  error: { type: string; code: string; message: string; issues?: { path: string; message: string }[] };
}

export interface StatusRecord {
  name: string;
  launched_at: number;
  status: ClusterStatus;
  autostop: number;
  to_down: boolean;
  last_use: string;
  cluster_hash: string;
  cluster_ever_up: boolean;
  status_updated_at: number;
  user_hash: string;
  user_name: string;
  workspace: string;
  is_managed: boolean;
  nodes: number;
  cloud: string;
  region: string | null;
  zone: string | null;
  cpus: string | null;
  memory: string | null;
  accelerators: string | null;
  labels: Record<string, string>;
  resources_str: string;
  resources_str_full: string;
  cluster_name_on_cloud: string;
  head_ip: string | null;
  instance_type: string | null;
  last_creation_command: string | null;
  last_creation_yaml: string | null;
  last_event: string | null;
  metadata: Record<string, unknown>;
  owner: string[] | null;
  config_hash: string | null;
  /** The handle, encoded for the client (src/api/objectEncoding.ts): a base64 pickle or a dict. */
  handle?: unknown;
  /** Always a pickled None for pickle clients, which unpickle it. */
  storage_mounts_metadata?: string;
  /** Present only with `include_credentials`. */
  credentials?: Record<string, unknown> | null;
}

export interface CostReportRecord {
  name: string;
  launched_at: number;
  duration: number;
  num_nodes: number;
  cluster_hash: string;
  status: ClusterStatus | null;
  user_hash: string;
  user_name: string;
  workspace: string;
  total_cost: number;
  cloud: string;
  region: string | null;
  cpus: string | null;
  memory: string | null;
  accelerators: string | null;
  /** A `Resources`, encoded for the client (src/api/objectEncoding.ts). */
  resources: unknown;
  resources_str: string;
  resources_str_full: string;
  last_creation_yaml: string | null;
  last_creation_command: string | null;
  last_event: string | null;
  usage_intervals?: [number, number | null][];
}

export interface ClusterJobRecord {
  job_id: number;
  job_name: string;
  username: string;
  user_hash: string;
  submitted_at: number;
  start_at: number | null;
  end_at: number | null;
  resources: string;
  status: ClusterJobStatus;
  log_path: string;
  metadata: Record<string, unknown>;
}

export interface ManagedJobRecord {
  job_id: number;
  _job_id: number;
  task_id: number;
  job_name: string;
  task_name: string;
  workspace: string;
  user_name: string;
  user_hash: string;
  entrypoint: string;
  user_yaml: string | null;
  status: ManagedJobStatus;
  schedule_state: ManagedJobScheduleState;
  submitted_at: number;
  start_at: number | null;
  end_at: number | null;
  last_recovered_at: number;
  job_duration: number;
  recovery_count: number;
  details: string | null;
  failure_reason: string | null;
  resources: string;
  cluster_resources: string;
  cluster_resources_full: string;
  cloud: string | null;
  region: string | null;
  zone: string | null;
  infra: string | null;
  accelerators: Record<string, number> | null;
  priority: number;
  pool: string | null;
  /** The pool's config hash (the task page links the pool by it); this build runs no pools. */
  pool_hash: string | null;
  current_cluster_name: string | null;
  /** Links a job publishes (the job page lists them); none here. */
  links: Record<string, string> | null;
  metadata: Record<string, unknown>;
}

export interface ManagedJobsPage {
  jobs: Partial<ManagedJobRecord>[];
  total: number;
  total_no_filter: number;
  status_counts: Record<string, number>;
}

export interface UserRecord {
  id: string;
  name: string;
  created_at: number | null;
  role: string;
  user_type: string;
}

export interface UserRoleRecord {
  id: string;
  name: string;
  role: string;
}

export interface NodeInfo {
  name: string;
  accelerator_type: string | null;
  total: { accelerator_count: number };
  free: { accelerators_available: number };
  ip_address: string | null;
  cpu_count?: number;
  memory_gb?: number;
  is_ready?: boolean;
  is_cordoned?: boolean;
  taints?: { key: string; value?: string; effect: string }[];
}

export interface KubernetesNodeInfoResult {
  node_info_dict: Record<string, NodeInfo>;
  hint: string;
}

export interface VolumeRecord {
  name: string;
  type: string;
  launched_at: number;
  cloud: string;
  region: string | null;
  zone: string | null;
  size: string;
  config: Record<string, unknown>;
  name_on_cloud: string;
  user_hash: string;
  user_name: string;
  workspace: string;
  last_attached_at: number | null;
  last_use: string;
  status: VolumeStatus;
  usedby_pods: string[];
  usedby_clusters: string[];
}

export interface RecipeRecord {
  name: string;
  description: string | null;
  content: string;
  recipe_type: RecipeType;
  pinned: boolean;
  user_id: string | null;
  user_name: string | null;
  created_at: number;
  updated_at: number;
  /** Who last edited it: upstream leaves both null until someone does (the page falls back to the author). */
  updated_by_id: string | null;
  updated_by_name: string | null;
  /** Upstream's built-in recipes are neither; every recipe here is a user's, so both, as upstream. */
  is_editable: boolean;
  is_pinnable: boolean;
}

export interface HealthResponse {
  status: 'healthy' | 'unhealthy' | 'version_mismatch' | 'needs_auth';
  api_version: string;
  version: string;
  version_on_disk: string;
  commit: string;
  user?: { id: string; name: string };
  basic_auth_enabled: boolean;
  service_account_token_enabled: boolean;
  ingress_basic_auth_enabled: boolean;
  external_proxy_auth_enabled: boolean;
  /**
   * This server's process id, so `sky api stop` can stop a server it did not start; sent only to a
   * caller on this machine that came through no proxy (see http/clientAddress.ts).
   */
  pid?: number;
  /**
   * Demo mode only: what the served world is a function of (fixture content hash, seed, the instant
   * answered), so a screenshot or a bug report can be replayed exactly with `SKYPILOT_NOW`.
   */
  world?: { fixtures: string; seed: number; t: number };
}

/** Fields every request body may carry (SkyPilot's `RequestBody`). @public (the wire, documented) */
export interface BaseRequestBody {
  env_vars?: Record<string, string>;
  entrypoint?: string;
  entrypoint_command?: string;
  using_remote_api_server?: boolean;
  override_skypilot_config?: Record<string, unknown> | null;
}
