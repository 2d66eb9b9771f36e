/**
 * Cluster functions of `globalUserState`. A launch upserts the live row and its history row and opens
 * a usage interval; stopping closes the interval; terminating deletes the live row, so the cluster
 * survives only in history (SkyPilot has no TERMINATED status in the live table).
 */
import { randomUUID } from 'node:crypto';
import { clusterDoesNotExist } from '../errors';
import type { CloudVmRayResourceHandle } from './cloudVmRayResourceHandle';
import type { ClusterStatus } from './clusterStatus';
import { prepared, stateDb } from './database';
import { globalUserState } from './globalUserState';
import type { AddOrUpdateClusterInput, ClusterFilter, ClusterRecord, UsageInterval } from './records';
import { CLUSTER_SELECT, type ClusterRow, clusterFromRow, nowSeconds, parseJson } from './rowCodecs';
import { currentUser } from './currentUser';
import { globToRegExp } from './globPattern';

function inList(column: string, values: readonly unknown[], params: unknown[]): string {
  params.push(...values);
  return `${column} IN (${values.map(() => '?').join(', ')})`;
}

function closeOpenInterval(intervals: UsageInterval[], at: number): UsageInterval[] {
  return intervals.map(([start, end]) => [start, end ?? at]);
}

export const clustersState = {
  /** Newest launch first. Empty filter lists match nothing, as SkyPilot's do. */
  async getClusters(filter: ClusterFilter = {}): Promise<ClusterRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.excludeManagedClusters) where.push('c.is_managed = 0');
    if (filter.workspaces) where.push(inList('c.workspace', filter.workspaces, params));
    if (filter.userHashes) where.push(inList('c.user_hash', filter.userHashes, params));
    if (filter.clusterNames) where.push(inList('c.name', filter.clusterNames, params));
    const sql = `${CLUSTER_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY c.launched_at DESC, c.name`;
    const fallbackHash = currentUser.getUserHash();
    return (prepared(sql).all(...params) as ClusterRow[]).map((r) => clusterFromRow(r, fallbackHash));
  },

  async getClusterFromName(name: string): Promise<ClusterRecord | null> {
    const [record] = await globalUserState.getClusters({ clusterNames: [name] });
    return record ?? null;
  },

  async getHandleFromClusterName(name: string): Promise<CloudVmRayResourceHandle | null> {
    return (await globalUserState.getClusterFromName(name))?.handle ?? null;
  },

  async getClusterNamesStartWith(prefix: string): Promise<string[]> {
    const clusters = await globalUserState.getClusters();
    return clusters.map((c) => c.name).filter((n) => n.startsWith(prefix)).sort();
  },

  async getGlobClusterNames(pattern: string): Promise<string[]> {
    const re = globToRegExp(pattern);
    const clusters = await globalUserState.getClusters();
    return clusters.map((c) => c.name).filter((n) => re.test(n)).sort();
  },

  async addOrUpdateCluster(input: AddOrUpdateClusterInput): Promise<ClusterRecord> {
    const db = stateDb();
    const now = nowSeconds();
    const status: ClusterStatus = input.ready ? 'UP' : 'INIT';
    const isLaunch = input.isLaunch ?? true;
    db.transaction(() => {
      const existing = db.prepare('SELECT * FROM clusters WHERE name = ?').get(input.clusterName) as
        ClusterRow | undefined;
      const clusterHash = existing?.cluster_hash ?? randomUUID();
      // A new or restarted cluster starts with autostop off, as in SkyPilot.
      const resetAutostop = !existing || existing.status === 'STOPPED';
      db.prepare(`INSERT INTO clusters (name, launched_at, handle, last_use, status, autostop, to_down, metadata,
          owner, cluster_hash, cluster_ever_up, status_updated_at, config_hash, user_hash, workspace,
          last_creation_yaml, last_creation_command, is_managed, provision_log_path)
        VALUES (@name, @launchedAt, @handle, @lastUse, @status, @autostop, @toDown, '{}', NULL, @clusterHash,
          @everUp, @now, @configHash, @userHash, @workspace, @yaml, @command, @isManaged, @logPath)
        ON CONFLICT(name) DO UPDATE SET
          launched_at = @launchedAt, handle = @handle, last_use = @lastUse, status = @status,
          autostop = @autostop, to_down = @toDown, cluster_ever_up = MAX(cluster_ever_up, @everUp),
          status_updated_at = @now, config_hash = COALESCE(@configHash, config_hash),
          last_creation_yaml = COALESCE(@yaml, last_creation_yaml),
          last_creation_command = COALESCE(@command, last_creation_command),
          provision_log_path = COALESCE(@logPath, provision_log_path)`).run({
        name: input.clusterName,
        launchedAt: isLaunch || !existing ? now : existing.launched_at,
        handle: JSON.stringify(input.handle),
        lastUse: isLaunch ? input.command ?? '' : existing?.last_use ?? '',
        status,
        autostop: resetAutostop ? -1 : existing.autostop,
        toDown: resetAutostop ? 0 : existing.to_down,
        clusterHash,
        everUp: input.ready ? 1 : 0,
        now,
        configHash: input.configHash ?? null,
        userHash: existing?.user_hash ?? input.userHash,
        workspace: existing?.workspace ?? input.workspace ?? 'default',
        yaml: input.taskYaml ?? null,
        command: input.command ?? null,
        isManaged: input.isManaged ? 1 : 0,
        logPath: input.provisionLogPath ?? null,
      });
      const history = db.prepare('SELECT usage_intervals FROM cluster_history WHERE cluster_hash = ?')
        .get(clusterHash) as { usage_intervals: string } | undefined;
      const intervals = parseJson<UsageInterval[]>(history?.usage_intervals, []);
      if (isLaunch && !intervals.some(([, end]) => end === null)) intervals.push([now, null]);
      db.prepare(`INSERT INTO cluster_history (cluster_hash, name, num_nodes, requested_resources,
          launched_resources, usage_intervals, user_hash, last_creation_yaml, last_creation_command, workspace,
          provision_log_path)
        VALUES (@hash, @name, @nodes, @requested, @launched, @intervals, @userHash, @yaml, @command, @workspace,
          @logPath)
        ON CONFLICT(cluster_hash) DO UPDATE SET num_nodes = @nodes,
          requested_resources = COALESCE(@requested, requested_resources), launched_resources = @launched,
          usage_intervals = @intervals, last_creation_yaml = COALESCE(@yaml, last_creation_yaml),
          last_creation_command = COALESCE(@command, last_creation_command)`).run({
        hash: clusterHash,
        name: input.clusterName,
        nodes: input.handle.launchedNodes,
        requested: input.requestedResources ? JSON.stringify(input.requestedResources) : null,
        launched: JSON.stringify(input.handle.launchedResources),
        intervals: JSON.stringify(intervals),
        userHash: existing?.user_hash ?? input.userHash,
        yaml: input.taskYaml ?? null,
        command: input.command ?? null,
        workspace: existing?.workspace ?? input.workspace ?? 'default',
        logPath: input.provisionLogPath ?? null,
      });
    }).immediate();
    await globalUserState.addClusterEvent(input.clusterName, status,
      input.ready ? 'Cluster is up.' : 'Cluster launch initiated.', 'STATUS_CHANGE');
    const record = await globalUserState.getClusterFromName(input.clusterName);
    if (!record) throw clusterDoesNotExist(input.clusterName);
    return record;
  },

  async setClusterStatus(name: string, status: ClusterStatus): Promise<void> {
    const result = prepared(`UPDATE clusters SET status = ?, status_updated_at = ?,
        cluster_ever_up = MAX(cluster_ever_up, ?) WHERE name = ?`)
      .run(status, nowSeconds(), status === 'UP' ? 1 : 0, name);
    if (result.changes === 0) throw clusterDoesNotExist(name);
    await globalUserState.addClusterEvent(name, status, `Status set to ${status}.`, 'STATUS_CHANGE');
  },

  async setClusterAutostopValue(name: string, idleMinutes: number, toDown: boolean): Promise<void> {
    const result = prepared('UPDATE clusters SET autostop = ?, to_down = ? WHERE name = ?')
      .run(idleMinutes, toDown ? 1 : 0, name);
    if (result.changes === 0) throw clusterDoesNotExist(name);
  },

  async updateLastUse(name: string, command: string): Promise<void> {
    prepared('UPDATE clusters SET last_use = ? WHERE name = ?').run(command, name);
  },

  async updateClusterHandle(name: string, handle: CloudVmRayResourceHandle): Promise<void> {
    const result = prepared('UPDATE clusters SET handle = ? WHERE name = ?')
      .run(JSON.stringify(handle), name);
    if (result.changes === 0) throw clusterDoesNotExist(name);
  },

  /** Closes the usage interval; `terminate` deletes the row, otherwise the cluster is STOPPED. */
  async removeCluster(name: string, terminate: boolean): Promise<void> {
    const db = stateDb();
    const now = nowSeconds();
    const row = db.prepare('SELECT * FROM clusters WHERE name = ?').get(name) as ClusterRow | undefined;
    if (!row) throw clusterDoesNotExist(name);
    db.transaction(() => {
      const history = db.prepare('SELECT usage_intervals FROM cluster_history WHERE cluster_hash = ?')
        .get(row.cluster_hash) as { usage_intervals: string } | undefined;
      if (history) {
        const closed = closeOpenInterval(parseJson<UsageInterval[]>(history.usage_intervals, []), now);
        db.prepare('UPDATE cluster_history SET usage_intervals = ? WHERE cluster_hash = ?')
          .run(JSON.stringify(closed), row.cluster_hash);
      }
      if (terminate) {
        db.prepare('DELETE FROM clusters WHERE name = ?').run(name);
      } else {
        const handle = JSON.parse(row.handle) as { stable_internal_external_ips: unknown };
        handle.stable_internal_external_ips = null;
        db.prepare(`UPDATE clusters SET status = 'STOPPED', status_updated_at = ?, handle = ? WHERE name = ?`)
          .run(now, JSON.stringify(handle), name);
      }
    }).immediate();
    await globalUserState.addClusterEvent(name, terminate ? null : 'STOPPED',
      terminate ? 'Cluster terminated.' : 'Cluster stopped.', 'STATUS_CHANGE', row.cluster_hash);
  },
};
