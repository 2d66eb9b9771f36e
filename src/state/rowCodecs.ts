/** Row <-> record conversions shared by the state families: JSON columns, handles, clusters. */
import { expressionBuilder, type Kysely, sql } from 'kysely';
import type { ClusterStatus } from '../vocab/statuses';
import { CloudVmRayResourceHandle, type HandleJSON } from './cloudVmRayResourceHandle';
import type { ClusterRecord } from './records';
import type { ClustersTable, StateSchema } from './stateSchema';

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (text == null || text === '') return fallback;
  return JSON.parse(text) as T;
}

export function handleFromColumn(text: string): CloudVmRayResourceHandle {
  return CloudVmRayResourceHandle.fromJSON(JSON.parse(text) as HandleJSON);
}

export type ClusterRow = ClustersTable & { user_name: string | null; last_event: string | null };

/** Clusters with the owner's name and the latest status-change reason joined in. */
export function selectClusters(db: Kysely<StateSchema>) {
  return db
    .selectFrom('clusters as c')
    .leftJoin('users as u', 'u.id', 'c.user_hash')
    .selectAll('c')
    .select('u.name as user_name')
    .select(lastEventOf('c.cluster_hash'));
}

/**
 * The reason of the latest status change of the cluster whose hash is `clusterHash` (a column of the
 * outer query), as `last_event`: what a cluster record and its history row call `lastEvent`.
 */
export function lastEventOf(clusterHash: `${string}.cluster_hash`) {
  return expressionBuilder<StateSchema, never>()
    .selectFrom('cluster_events as e')
    .select('e.reason')
    .where('e.cluster_hash', '=', sql.ref<string>(clusterHash))
    .where('e.type', '=', 'STATUS_CHANGE')
    .orderBy('e.transitioned_at', 'desc')
    .orderBy('e.seq', 'desc')
    .limit(1)
    .as('last_event');
}

export function clusterFromRow(row: ClusterRow, fallbackUserHash: string): ClusterRecord {
  return {
    name: row.name,
    launchedAt: row.launched_at,
    handle: handleFromColumn(row.handle),
    lastUse: row.last_use,
    status: row.status as ClusterStatus,
    autostop: row.autostop,
    toDown: row.to_down === 1,
    owner: parseJson<string[] | null>(row.owner, null),
    metadata: parseJson<Record<string, unknown>>(row.metadata, {}),
    clusterHash: row.cluster_hash,
    clusterEverUp: row.cluster_ever_up === 1,
    statusUpdatedAt: row.status_updated_at,
    configHash: row.config_hash,
    userHash: row.user_hash ?? fallbackUserHash,
    userName: row.user_name,
    workspace: row.workspace,
    lastCreationYaml: row.last_creation_yaml,
    lastCreationCommand: row.last_creation_command,
    isManaged: row.is_managed === 1,
    provisionLogPath: row.provision_log_path,
    lastEvent: row.last_event,
  };
}
