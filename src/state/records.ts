/**
 * The records the state seams return: typed domain objects (handles, `Resources`, clouds), camelCase.
 * Routes turn them into SkyPilot's snake_case wire records (src/api/wireRecords.ts).
 */
import type {
  RecipeType,
  StorageStatus,
  StoreType,
  ClusterEventType,
  ManagedJobScheduleState,
  ClusterJobStatus,
  ClusterStatus,
  ManagedJobStatus,
  UserRole,
  UserType,
  VolumeStatus,
} from '../vocab/statuses';
import type { CloudVmRayResourceHandle } from './cloudVmRayResourceHandle';
import type { Cloud } from './clouds';
import type { Resources } from './resources';

export type { UserType };

export interface ClusterRecord {
  name: string;
  launchedAt: number;
  handle: CloudVmRayResourceHandle;
  lastUse: string;
  status: ClusterStatus;
  autostop: number;
  toDown: boolean;
  owner: string[] | null;
  metadata: Record<string, unknown>;
  clusterHash: string;
  clusterEverUp: boolean;
  statusUpdatedAt: number | null;
  configHash: string | null;
  userHash: string;
  userName: string | null;
  workspace: string;
  lastCreationYaml: string | null;
  lastCreationCommand: string | null;
  isManaged: boolean;
  provisionLogPath: string | null;
  lastEvent: string | null;
}

export interface ClusterFilter {
  excludeManagedClusters?: boolean;
  workspaces?: string[] | null;
  userHashes?: string[] | null;
  clusterNames?: string[] | null;
}

export interface AddOrUpdateClusterInput {
  clusterName: string;
  handle: CloudVmRayResourceHandle;
  requestedResources: Resources | null;
  ready: boolean;
  isLaunch?: boolean;
  configHash?: string | null;
  taskYaml?: string | null;
  command?: string | null;
  isManaged?: boolean;
  userHash: string;
  workspace?: string;
  provisionLogPath?: string | null;
}

export type UsageInterval = [number, number | null];

export interface ClusterHistoryRecord {
  clusterHash: string;
  name: string;
  launchedAt: number;
  durationSeconds: number;
  numNodes: number;
  requestedResources: Resources | null;
  launchedResources: Resources;
  usageIntervals: UsageInterval[];
  /** Null once the cluster is terminated. */
  status: ClusterStatus | null;
  userHash: string;
  userName: string | null;
  workspace: string;
  lastCreationYaml: string | null;
  lastCreationCommand: string | null;
  lastEvent: string | null;
}

export interface ClusterEvent {
  clusterHash: string;
  name: string;
  startingStatus: ClusterStatus | null;
  endingStatus: ClusterStatus | null;
  reason: string;
  transitionedAt: number;
  type: ClusterEventType;
}

export interface User {
  id: string;
  name: string | null;
  password: string | null;
  createdAt: number | null;
  userType: UserType;
}

export interface UserWithRole extends User {
  role: UserRole | '';
}

export interface ClusterJob {
  clusterName: string;
  jobId: number;
  jobName: string;
  userHash: string;
  userName: string | null;
  submittedAt: number;
  startAt: number | null;
  endAt: number | null;
  resources: string;
  status: ClusterJobStatus;
  logPath: string;
  metadata: Record<string, unknown>;
}

export interface Volume {
  name: string;
  type: string;
  launchedAt: number;
  cloud: Cloud;
  region: string | null;
  zone: string | null;
  sizeGb: number;
  config: Record<string, unknown>;
  nameOnCloud: string;
  userHash: string;
  userName: string | null;
  workspace: string;
  lastAttachedAt: number | null;
  lastUse: string;
  status: VolumeStatus;
  usedbyPods: string[];
  usedbyClusters: string[];
}

/**
 * One task of a managed job (upstream's `spot` row) with its job's shared fields: a job of n tasks is
 * n of these, task ids 0..n-1. `status` is the task's; the job's is derived (managedJobStatus.ts).
 */
export interface ManagedJob {
  jobId: number;
  taskId: number;
  name: string;
  taskName: string;
  userHash: string;
  userName: string | null;
  workspace: string;
  entrypoint: string;
  userYaml: string | null;
  status: ManagedJobStatus;
  scheduleState: ManagedJobScheduleState;
  submittedAt: number;
  startAt: number | null;
  endAt: number | null;
  lastRecoveredAt: number;
  recoveryCount: number;
  /** Seconds of running time, provisioning and recovery excluded. */
  jobDuration: number;
  failureReason: string | null;
  /** Requested resources as SkyPilot prints them for managed jobs: `4x[H200:8]`. */
  resources: string;
  numNodes: number;
  launchedResources: Resources | null;
  priority: number;
  pool: string | null;
  currentClusterName: string | null;
}

export interface ManagedJobQuery {
  userHashes?: string[] | null;
  workspaces?: string[] | null;
  nameMatch?: string | null;
  userMatch?: string | null;
  workspaceMatch?: string | null;
  statuses?: ManagedJobStatus[] | null;
  jobIds?: number[] | null;
  skipFinished?: boolean;
  page?: number | null;
  limit?: number | null;
}

export interface ManagedJobPage {
  jobs: ManagedJob[];
  total: number;
  totalNoFilter: number;
  statusCounts: Partial<Record<ManagedJobStatus, number>>;
}

export interface NewManagedJob {
  name: string;
  userHash: string;
  workspace?: string;
  entrypoint?: string;
  userYaml?: string | null;
  resources: string;
  numNodes?: number;
  launchedResources?: Resources | null;
  priority?: number;
  pool?: string | null;
  /** The job's tasks in order (a pipeline); without them, one task named and sized as the job. */
  tasks?: NewManagedJobTask[];
}

export interface NewManagedJobTask {
  name: string;
  resources: string;
  numNodes?: number;
  launchedResources?: Resources | null;
}

/** A storage object (bucket) SkyPilot created or attached (`sky storage ls`). */
export interface StorageRecord {
  name: string;
  launchedAt: number;
  stores: StoreType[];
  lastUse: string;
  status: StorageStatus;
  userHash: string | null;
}

/** A saved, shareable task YAML (the dashboard's Recipes page). */
export interface Recipe {
  name: string;
  description: string | null;
  content: string;
  recipeType: RecipeType;
  pinned: boolean;
  userHash: string | null;
  userName: string | null;
  createdAt: number;
  updatedAt: number;
}
