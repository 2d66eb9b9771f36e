/**
 * Domain records -> SkyPilot's wire records. `launched_at` is integer epoch seconds and `cloud` is
 * always a display name: the official dashboard blanks a whole page on a single row without them.
 */
import type {
  ClusterJobRecord,
  CostReportRecord,
  ManagedJobRecord,
  RecipeRecord,
  StatusRecord,
  UserRecord,
  VolumeRecord,
} from './wireTypes';
import type { ClusterHistoryRecord, ClusterJob, ClusterRecord, ManagedJob, Recipe, UserWithRole, Volume } from '../state/records';
import { Kubernetes } from '../state/clouds';
import type { Resources } from '../state/resources';
import { PICKLED_NONE_BASE64 } from '../pickle/skypilotPickles';
import { encodeHandle, encodeResources, type ObjectEncoding } from './objectEncoding';

export interface StatusRecordOptions {
  /** The request's `include_handle`: null when the client did not say (upstream's default is to include it). */
  includeHandle?: boolean | null;
  encoding?: ObjectEncoding;
}

/**
 * The handle as the client decodes it. Pickle clients (before upstream PR #9302) unpickle `handle`
 * and `storage_mounts_metadata` on every record, so both are always there, a pickled None when the
 * handle was not asked for, as upstream sends. Clients without a version get the handle only when
 * they asked for it, as before.
 */
function handleFields(c: ClusterRecord, options: StatusRecordOptions): Pick<StatusRecord, 'handle' | 'storage_mounts_metadata'> {
  const encoding = options.encoding ?? 'json';
  if (encoding === 'pickle') {
    return {
      handle: options.includeHandle === false ? PICKLED_NONE_BASE64 : encodeHandle(c.handle, encoding),
      storage_mounts_metadata: PICKLED_NONE_BASE64,
    };
  }
  const wanted = encoding === 'json' ? options.includeHandle === true : options.includeHandle !== false;
  return wanted ? { handle: encodeHandle(c.handle, encoding) } : {};
}

export function toStatusRecord(c: ClusterRecord, options: StatusRecordOptions = {}): StatusRecord {
  const resources = c.handle.launchedResources;
  const nodes = c.handle.launchedNodes;
  const record: StatusRecord = {
    name: c.name,
    launched_at: Math.floor(c.launchedAt),
    status: c.status,
    autostop: c.autostop,
    to_down: c.toDown,
    last_use: c.lastUse ?? '',
    cluster_hash: c.clusterHash,
    cluster_ever_up: c.clusterEverUp,
    // An int: older clients' StatusResponse requires one.
    status_updated_at: Math.floor(c.statusUpdatedAt ?? c.launchedAt),
    user_hash: c.userHash,
    user_name: c.userName ?? c.userHash,
    workspace: c.workspace || 'default',
    is_managed: c.isManaged,
    nodes,
    cloud: resources.cloud?.name ?? 'Unknown',
    region: resources.region,
    zone: resources.zone,
    cpus: resources.cpusDisplay,
    memory: resources.memoryDisplay,
    accelerators: resources.acceleratorsRepr,
    labels: resources.labels ?? {},
    resources_str: resources.readable(nodes),
    resources_str_full: resources.readable(nodes, true),
    cluster_name_on_cloud: c.handle.clusterNameOnCloud,
    head_ip: c.handle.headIp,
    instance_type: resources.instanceType,
    last_creation_command: c.lastCreationCommand,
    last_creation_yaml: c.lastCreationYaml,
    last_event: c.lastEvent,
    metadata: c.metadata,
    owner: c.owner,
    config_hash: c.configHash,
  };
  return { ...record, ...handleFields(c, options) };
}

/** What a cost-report row derives from its resources and node count alone. */
type ResourceFields = { hourly: number } & Pick<
  CostReportRecord,
  'cloud' | 'region' | 'cpus' | 'memory' | 'accelerators' | 'resources' | 'resources_str' | 'resources_str_full'
>;

/**
 * Derived once per (resources, nodes, encoding): a report's thousands of rows share a handful of
 * shapes (history decodes each distinct text to one immutable `Resources`), and pricing, the readable
 * forms and a pickle cost more than the rest of the row. Weakly held: it goes with its `Resources`.
 */
const derived = new WeakMap<Resources, Map<string, ResourceFields>>();

function resourceFields(r: Resources, nodes: number, encoding: ObjectEncoding): ResourceFields {
  let byKey = derived.get(r);
  if (!byKey) {
    byKey = new Map();
    derived.set(r, byKey);
  }
  const key = `${nodes} ${encoding}`;
  let fields = byKey.get(key);
  if (!fields) {
    fields = {
      hourly: r.hourlyCost() * nodes,
      cloud: r.cloud?.name ?? 'Unknown',
      region: r.region,
      cpus: r.cpusDisplay,
      memory: r.memoryDisplay,
      accelerators: r.acceleratorsRepr,
      resources: encodeResources(r, encoding),
      resources_str: r.readable(nodes),
      resources_str_full: r.readable(nodes, true),
    };
    byKey.set(key, fields);
  }
  return fields;
}

/** `resources` is encoded for the client (the official CLI prints and prices it). */
export function toCostReportRecord(h: ClusterHistoryRecord, encoding: ObjectEncoding = 'json'): CostReportRecord {
  const f = resourceFields(h.launchedResources, h.numNodes, encoding);
  return {
    name: h.name,
    launched_at: Math.floor(h.launchedAt),
    // Rounded, as the CLI and the dashboard round (src/common/readableTime.ts): never 4h 29m 59s.
    duration: Math.round(h.durationSeconds),
    num_nodes: h.numNodes,
    cluster_hash: h.clusterHash,
    status: h.status,
    user_hash: h.userHash,
    user_name: h.userName ?? h.userHash,
    workspace: h.workspace || 'default',
    total_cost: Math.round(f.hourly * (h.durationSeconds / 3600) * 100) / 100,
    cloud: f.cloud,
    region: f.region,
    cpus: f.cpus,
    memory: f.memory,
    accelerators: f.accelerators,
    resources: f.resources,
    resources_str: f.resources_str,
    resources_str_full: f.resources_str_full,
    last_creation_yaml: h.lastCreationYaml,
    last_creation_command: h.lastCreationCommand,
    last_event: h.lastEvent,
    usage_intervals: h.usageIntervals,
  };
}

export function toClusterJobRecord(j: ClusterJob): ClusterJobRecord {
  return {
    job_id: j.jobId,
    // The official client's ClusterJobRecord requires a str.
    job_name: j.jobName ?? '',
    username: j.userName ?? j.userHash,
    user_hash: j.userHash,
    submitted_at: j.submittedAt,
    start_at: j.startAt,
    end_at: j.endAt,
    resources: j.resources,
    status: j.status,
    log_path: j.logPath,
    metadata: j.metadata ?? {},
  };
}

function clusterResources(r: Resources, numNodes: number, full: boolean): string {
  const parts: string[] = [];
  const acc = r.accelerators;
  if (acc)
    parts.push(
      `gpus=${Object.entries(acc)
        .map(([k, v]) => `${k}:${v}`)
        .join(',')}`,
    );
  if (full || !acc || r.cloud instanceof Kubernetes) {
    if (r.cpusDisplay) parts.push(`cpus=${r.cpusDisplay}`);
    if (r.memoryDisplay) parts.push(`mem=${r.memoryDisplay}`);
  }
  if (full && r.instanceType && !(r.cloud instanceof Kubernetes)) parts.push(r.instanceType);
  return `${numNodes}x(${parts.join(', ')}${!full && acc ? ', ...' : ''})`;
}

/** What a managed-job record derives from its launched resources and node count alone. */
type JobResourceFields = Pick<
  ManagedJobRecord,
  'cluster_resources' | 'cluster_resources_full' | 'cloud' | 'region' | 'zone' | 'infra' | 'accelerators'
>;

const NO_RESOURCES: JobResourceFields = {
  cluster_resources: '-',
  cluster_resources_full: '-',
  cloud: null,
  region: null,
  zone: null,
  infra: null,
  accelerators: null,
};

/** Derived once per (resources, nodes), as the cost report's (`resourceFields`): 50,000 jobs share a few shapes. */
const jobDerived = new WeakMap<Resources, Map<number, JobResourceFields>>();

function jobResourceFields(r: Resources | null, numNodes: number): JobResourceFields {
  if (!r) return NO_RESOURCES;
  let byNodes = jobDerived.get(r);
  if (!byNodes) {
    byNodes = new Map();
    jobDerived.set(r, byNodes);
  }
  let fields = byNodes.get(numNodes);
  if (!fields) {
    fields = {
      cluster_resources: clusterResources(r, numNodes, false),
      cluster_resources_full: clusterResources(r, numNodes, true),
      cloud: r.cloud?.name ?? null,
      region: r.region ?? null,
      zone: r.zone ?? null,
      infra: r.infra,
      accelerators: r.accelerators ?? null,
    };
    byNodes.set(numNodes, fields);
  }
  return fields;
}

export function toManagedJobRecord(j: ManagedJob): ManagedJobRecord {
  const f = jobResourceFields(j.launchedResources, j.numNodes);
  return {
    job_id: j.jobId,
    _job_id: j.jobId,
    task_id: j.taskId,
    job_name: j.name,
    task_name: j.taskName,
    workspace: j.workspace,
    user_name: j.userName ?? j.userHash,
    user_hash: j.userHash,
    entrypoint: j.entrypoint,
    user_yaml: j.userYaml,
    status: j.status,
    schedule_state: j.scheduleState,
    submitted_at: j.submittedAt,
    start_at: j.startAt,
    end_at: j.endAt,
    last_recovered_at: j.lastRecoveredAt,
    job_duration: Math.round(j.jobDuration),
    recovery_count: j.recoveryCount,
    details: j.failureReason,
    failure_reason: j.failureReason,
    resources: j.resources,
    cluster_resources: f.cluster_resources,
    cluster_resources_full: f.cluster_resources_full,
    cloud: f.cloud,
    region: f.region,
    zone: f.zone,
    infra: f.infra,
    accelerators: f.accelerators,
    priority: j.priority,
    pool: j.pool,
    pool_hash: null,
    current_cluster_name: j.currentClusterName,
    links: null,
    // `sky jobs queue -v` calls `.get` on it: a dict, never null.
    metadata: {},
  };
}

export function toUserRecord(u: UserWithRole): UserRecord {
  return { id: u.id, name: u.name ?? u.id, created_at: u.createdAt, role: u.role, user_type: u.userType };
}

export function toVolumeRecord(v: Volume): VolumeRecord {
  return {
    name: v.name,
    type: v.type,
    launched_at: Math.floor(v.launchedAt),
    cloud: v.cloud.name,
    region: v.region,
    zone: v.zone,
    size: String(v.sizeGb),
    config: v.config,
    name_on_cloud: v.nameOnCloud,
    user_hash: v.userHash,
    user_name: v.userName ?? v.userHash,
    workspace: v.workspace,
    last_attached_at: v.lastAttachedAt,
    last_use: v.lastUse,
    status: v.status,
    usedby_pods: v.usedbyPods,
    usedby_clusters: v.usedbyClusters,
  };
}

export function toRecipeRecord(r: Recipe): RecipeRecord {
  return {
    name: r.name,
    description: r.description,
    content: r.content,
    recipe_type: r.recipeType,
    pinned: r.pinned,
    user_id: r.userHash,
    user_name: r.userName,
    created_at: Math.floor(r.createdAt),
    updated_at: Math.floor(r.updatedAt),
    updated_by_id: null,
    updated_by_name: null,
    is_editable: true,
    is_pinnable: true,
  };
}
