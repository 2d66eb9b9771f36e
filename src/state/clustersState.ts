/**
 * Cluster primitives of `globalUserState`: the functions that touch the `clusters` table. A launch
 * upserts the live row and its history row and opens a usage interval; stopping closes the interval;
 * terminating deletes the live row, so the cluster survives only in history (SkyPilot has no
 * TERMINATED status in the live table). Lookups by name or pattern are derived queries
 * (src/state/stateQueries.ts), shared with the demo's fake world.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import { type Kysely, sql } from 'kysely';
import { clusterDoesNotExist } from '../errors';
import type { ClusterStatus } from '../vocab/statuses';
import { DEFAULT_WORKSPACE } from '../vocab/workspaces';
import type { CloudVmRayResourceHandle } from './cloudVmRayResourceHandle';
import { insertClusterEvent, latestStatusReason } from './clusterEventRows';
import { currentUser } from './currentUser';
import { historyTimes } from './historyColumns';
import { mapInSlices } from './mapInSlices';
import type { AddOrUpdateClusterInput, ClusterFilter, ClusterRecord, UsageInterval } from './records';
import { type ClusterRow, clusterFromRow, nowSeconds, parseJson, selectClusters } from './rowCodecs';
import type { StateContext } from './stateContext';
import type { StateSchema } from './stateSchema';

/** Provisioning logs are read from their end: a retrying launch can log for a long time. */
export const PROVISION_LOG_MAX_BYTES = 4 * 1024 * 1024;

async function readTail(file: string, maxBytes: number): Promise<string | null> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file.replace(/^~(?=\/|$)/, os.homedir()), 'r');
  } catch {
    return null;
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}

function closeOpenInterval(intervals: UsageInterval[], at: number): UsageInterval[] {
  return intervals.map(([start, end]) => [start, end ?? at]);
}

async function upsertHistory(
  trx: Kysely<StateSchema>,
  clusterHash: string,
  input: AddOrUpdateClusterInput,
  owner: { userHash: string; workspace: string },
  now: number,
  isLaunch: boolean,
): Promise<void> {
  const history = await trx
    .selectFrom('cluster_history')
    .select('usage_intervals')
    .where('cluster_hash', '=', clusterHash)
    .executeTakeFirst();
  const intervals = parseJson<UsageInterval[]>(history?.usage_intervals, []);
  if (isLaunch && !intervals.some(([, end]) => end === null)) intervals.push([now, null]);
  const requested = input.requestedResources ? JSON.stringify(input.requestedResources) : null;
  const values = {
    name: input.clusterName,
    num_nodes: input.handle.launchedNodes,
    launched_resources: JSON.stringify(input.handle.launchedResources),
    usage_intervals: JSON.stringify(intervals),
    ...historyTimes(intervals),
  };
  if (history) {
    await trx
      .updateTable('cluster_history')
      .set({
        num_nodes: values.num_nodes,
        launched_resources: values.launched_resources,
        usage_intervals: values.usage_intervals,
        launched_at: values.launched_at,
        active_until: values.active_until,
        ...(requested ? { requested_resources: requested } : {}),
        ...(input.taskYaml != null ? { last_creation_yaml: input.taskYaml } : {}),
        ...(input.command != null ? { last_creation_command: input.command } : {}),
      })
      .where('cluster_hash', '=', clusterHash)
      .execute();
    return;
  }
  await trx
    .insertInto('cluster_history')
    .values({
      cluster_hash: clusterHash,
      ...values,
      requested_resources: requested,
      user_hash: owner.userHash,
      last_creation_yaml: input.taskYaml ?? null,
      last_creation_command: input.command ?? null,
      workspace: owner.workspace,
      provision_log_path: input.provisionLogPath ?? null,
      last_event: await latestStatusReason(trx, clusterHash),
    })
    .execute();
}

export function createClustersState(ctx: StateContext) {
  /** Newest launch first, then by name. Empty filter lists match nothing, as SkyPilot's do. */
  async function getClusters(filter: ClusterFilter = {}): Promise<ClusterRecord[]> {
    const db = await ctx.read();
    let query = selectClusters(db);
    if (filter.excludeManagedClusters) query = query.where('c.is_managed', '=', 0);
    // An empty filter list matches nothing, as SkyPilot's do.
    const nothing = sql<boolean>`1 = 0`;
    if (filter.workspaces) query = filter.workspaces.length ? query.where('c.workspace', 'in', filter.workspaces) : query.where(nothing);
    if (filter.userHashes) query = filter.userHashes.length ? query.where('c.user_hash', 'in', filter.userHashes) : query.where(nothing);
    if (filter.clusterNames) query = filter.clusterNames.length ? query.where('c.name', 'in', filter.clusterNames) : query.where(nothing);
    const rows = (await query.orderBy('c.launched_at', 'desc').orderBy('c.name').execute()) as ClusterRow[];
    const fallbackHash = currentUser.getUserHash();
    return mapInSlices(rows, (r) => clusterFromRow(r, fallbackHash));
  }

  return {
    /**
     * The provisioning log of a cluster (its last `PROVISION_LOG_MAX_BYTES`), from the file its row
     * names; null when none is recorded or the file is gone.
     */
    async getClusterProvisionLog(clusterName: string): Promise<string | null> {
      const db = await ctx.read();
      const row = await db.selectFrom('clusters').select('provision_log_path').where('name', '=', clusterName).executeTakeFirst();
      return row?.provision_log_path ? readTail(row.provision_log_path, PROVISION_LOG_MAX_BYTES) : null;
    },

    getClusters,

    /** Upserts the live row (UP when ready, else INIT) and its history row; returns the record. */
    async addOrUpdateCluster(input: AddOrUpdateClusterInput): Promise<ClusterRecord> {
      const now = nowSeconds();
      const status: ClusterStatus = input.ready ? 'UP' : 'INIT';
      const isLaunch = input.isLaunch ?? true;
      await ctx.write(async (trx) => {
        const existing = await trx.selectFrom('clusters').selectAll().where('name', '=', input.clusterName).executeTakeFirst();
        const clusterHash = existing?.cluster_hash ?? randomUUID();
        const owner = {
          userHash: existing?.user_hash ?? input.userHash,
          workspace: existing?.workspace ?? input.workspace ?? DEFAULT_WORKSPACE,
        };
        // A new or restarted cluster starts with autostop off, as in SkyPilot.
        const resetAutostop = !existing || existing.status === 'STOPPED';
        const row = {
          launched_at: isLaunch || !existing ? now : existing.launched_at,
          handle: JSON.stringify(input.handle),
          last_use: isLaunch ? (input.command ?? '') : (existing?.last_use ?? ''),
          status,
          autostop: resetAutostop || !existing ? -1 : existing.autostop,
          to_down: resetAutostop || !existing ? 0 : existing.to_down,
          status_updated_at: now,
        };
        if (existing) {
          await trx
            .updateTable('clusters')
            .set({
              ...row,
              cluster_ever_up: Math.max(existing.cluster_ever_up, input.ready ? 1 : 0),
              ...(input.configHash != null ? { config_hash: input.configHash } : {}),
              ...(input.taskYaml != null ? { last_creation_yaml: input.taskYaml } : {}),
              ...(input.command != null ? { last_creation_command: input.command } : {}),
              ...(input.provisionLogPath != null ? { provision_log_path: input.provisionLogPath } : {}),
            })
            .where('name', '=', input.clusterName)
            .execute();
        } else {
          await trx
            .insertInto('clusters')
            .values({
              name: input.clusterName,
              ...row,
              metadata: '{}',
              owner: null,
              cluster_hash: clusterHash,
              storage_mounts_metadata: null,
              cluster_ever_up: input.ready ? 1 : 0,
              config_hash: input.configHash ?? null,
              user_hash: owner.userHash,
              workspace: owner.workspace,
              last_creation_yaml: input.taskYaml ?? null,
              last_creation_command: input.command ?? null,
              is_managed: input.isManaged ? 1 : 0,
              provision_log_path: input.provisionLogPath ?? null,
            })
            .execute();
        }
        await upsertHistory(trx, clusterHash, input, owner, now, isLaunch);
        await insertClusterEvent(trx, {
          clusterHash,
          name: input.clusterName,
          endingStatus: status,
          type: 'STATUS_CHANGE',
          reason: input.ready ? 'Cluster is up.' : 'Cluster launch initiated.',
        });
      });
      const [record] = await getClusters({ clusterNames: [input.clusterName] });
      if (!record) throw clusterDoesNotExist(input.clusterName);
      return record;
    },

    async setClusterStatus(name: string, status: ClusterStatus): Promise<void> {
      await ctx.write(async (trx) => {
        const row = await trx
          .selectFrom('clusters')
          .select(['cluster_hash', 'cluster_ever_up'])
          .where('name', '=', name)
          .executeTakeFirst();
        if (!row) throw clusterDoesNotExist(name);
        await trx
          .updateTable('clusters')
          .set({
            status,
            status_updated_at: nowSeconds(),
            cluster_ever_up: Math.max(row.cluster_ever_up, status === 'UP' ? 1 : 0),
          })
          .where('name', '=', name)
          .execute();
        await insertClusterEvent(trx, {
          clusterHash: row.cluster_hash,
          name,
          endingStatus: status,
          reason: `Status set to ${status}.`,
          type: 'STATUS_CHANGE',
        });
      });
    },

    async setClusterAutostopValue(name: string, idleMinutes: number, toDown: boolean): Promise<void> {
      const result = await ctx.write((trx) =>
        trx
          .updateTable('clusters')
          .set({ autostop: idleMinutes, to_down: toDown ? 1 : 0 })
          .where('name', '=', name)
          .executeTakeFirst(),
      );
      if (result.numUpdatedRows === 0n) throw clusterDoesNotExist(name);
    },

    async updateLastUse(name: string, command: string): Promise<void> {
      await ctx.write((trx) => trx.updateTable('clusters').set({ last_use: command }).where('name', '=', name).execute());
    },

    async updateClusterHandle(name: string, handle: CloudVmRayResourceHandle): Promise<void> {
      const result = await ctx.write((trx) =>
        trx
          .updateTable('clusters')
          .set({ handle: JSON.stringify(handle) })
          .where('name', '=', name)
          .executeTakeFirst(),
      );
      if (result.numUpdatedRows === 0n) throw clusterDoesNotExist(name);
    },

    /** Closes the usage interval; `terminate` deletes the row, otherwise the cluster is STOPPED. */
    async removeCluster(name: string, terminate: boolean): Promise<void> {
      await ctx.write(async (trx) => {
        const row = await trx.selectFrom('clusters').selectAll().where('name', '=', name).executeTakeFirst();
        if (!row) throw clusterDoesNotExist(name);
        const now = nowSeconds();
        const history = await trx
          .selectFrom('cluster_history')
          .select('usage_intervals')
          .where('cluster_hash', '=', row.cluster_hash)
          .executeTakeFirst();
        if (history) {
          const closed = closeOpenInterval(parseJson<UsageInterval[]>(history.usage_intervals, []), now);
          await trx
            .updateTable('cluster_history')
            .set({ usage_intervals: JSON.stringify(closed), ...historyTimes(closed) })
            .where('cluster_hash', '=', row.cluster_hash)
            .execute();
        }
        if (terminate) {
          await trx.deleteFrom('clusters').where('name', '=', name).execute();
        } else {
          const handle = JSON.parse(row.handle) as { stable_internal_external_ips: unknown };
          handle.stable_internal_external_ips = null;
          await trx
            .updateTable('clusters')
            .set({ status: 'STOPPED', status_updated_at: now, handle: JSON.stringify(handle) })
            .where('name', '=', name)
            .execute();
        }
        await insertClusterEvent(trx, {
          clusterHash: row.cluster_hash,
          name,
          endingStatus: terminate ? null : 'STOPPED',
          type: 'STATUS_CHANGE',
          reason: terminate ? 'Cluster terminated.' : 'Cluster stopped.',
        });
      });
    },
  };
}

export type ClustersState = ReturnType<typeof createClustersState>;
