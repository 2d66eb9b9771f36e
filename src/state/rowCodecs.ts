/** Row <-> record conversions shared by the state families: JSON columns and handles. */
import { CloudVmRayResourceHandle, type HandleJSON } from './cloudVmRayResourceHandle';
import type { ClusterStatus } from './clusterStatus';
import type { ClusterRecord } from './records';

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

export interface ClusterRow {
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
  cluster_ever_up: number;
  status_updated_at: number | null;
  config_hash: string | null;
  user_hash: string | null;
  user_name: string | null;
  workspace: string;
  last_creation_yaml: string | null;
  last_creation_command: string | null;
  is_managed: number;
  provision_log_path: string | null;
  last_event: string | null;
}

/** Selects clusters with the owner's name and the latest status-change reason joined in. */
export const CLUSTER_SELECT = `
  SELECT c.*, u.name AS user_name,
    (SELECT e.reason FROM cluster_events e WHERE e.cluster_hash = c.cluster_hash AND e.type = 'STATUS_CHANGE'
      ORDER BY e.transitioned_at DESC LIMIT 1) AS last_event
  FROM clusters c LEFT JOIN users u ON u.id = c.user_hash`;

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
