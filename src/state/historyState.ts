/**
 * Cluster history (the cost report's source) and cluster events. History rows outlive their cluster;
 * a row whose cluster is gone reports `status: null`. Duration sums the usage intervals, an open one
 * running to now.
 */
import { sql } from 'kysely';
import type { ClusterEventType, ClusterStatus } from '../vocab/statuses';
import { insertClusterEvent } from './clusterEventRows';
import { currentUser } from './currentUser';
import { mapInSlices } from './mapInSlices';
import type { ClusterEvent, ClusterHistoryRecord, UsageInterval } from './records';
import { resourcesDecoder } from './resourcesOnce';
import { nowSeconds, parseJson } from './rowCodecs';
import type { StateContext } from './stateContext';

/** What the cost report and a cluster's history page ask of history (src/demo/fakes.ts answers the same). */
export interface HistoryQuery {
  days?: number | null;
  /**
   * Only the clusters with one of these hashes or one of these names (either matches, as upstream's
   * cost report: the official cluster page sends its URL's value as both). An empty list matches nothing.
   */
  clusterHashes?: readonly string[] | null;
  clusterNames?: readonly string[] | null;
}

export function usageDuration(intervals: UsageInterval[], now: number): number {
  return intervals.reduce((sum, [start, end]) => sum + Math.max(0, (end ?? now) - start), 0);
}

export function createHistoryState(ctx: StateContext) {
  return {
    /**
     * Clusters used within the last `days` days (all when null), most recently launched first,
     * optionally only those with the given hashes or names. Filtered and ordered in SQL by index
     * (historyColumns.ts): only the rows returned are decoded.
     */
    async getClustersFromHistory(options: HistoryQuery = {}): Promise<ClusterHistoryRecord[]> {
      const db = await ctx.read();
      const now = nowSeconds();
      const byHash = options.clusterHashes ?? null;
      const byName = options.clusterNames ?? null;
      if ((byHash || byName) && !byHash?.length && !byName?.length) return [];
      let query = db
        .selectFrom('cluster_history as h')
        .leftJoin('users as u', 'u.id', 'h.user_hash')
        .leftJoin('clusters as c', 'c.cluster_hash', 'h.cluster_hash')
        // Only the columns a record needs; `last_event` is kept on the row (migration 10).
        .select([
          'h.cluster_hash',
          'h.name',
          'h.launched_at',
          'h.num_nodes',
          'h.requested_resources',
          'h.launched_resources',
          'h.usage_intervals',
          'h.user_hash',
          'h.workspace',
          'h.last_creation_yaml',
          'h.last_creation_command',
          'h.last_event',
        ])
        .select(['u.name as user_name', 'c.status as status']);
      if (options.days != null) {
        const cutoff = now - options.days * 86400;
        query = query.where('h.active_until', '>=', cutoff);
      }
      if (byHash?.length || byName?.length) {
        query = query.where((eb) =>
          eb.or([...(byHash?.length ? [eb('h.cluster_hash', 'in', byHash)] : []), ...(byName?.length ? [eb('h.name', 'in', byName)] : [])]),
        );
      }
      // With `days`, the rows are found by `active_until` (a tenth of them for 30 days) and then
      // sorted; left to itself SQLite walks the launch index over every row to avoid the sort, ten
      // times slower. `+` makes the order an expression no index provides.
      const rows = await query
        .orderBy(options.days != null ? sql<number>`+h.launched_at` : sql<number>`h.launched_at`, 'desc')
        .orderBy('h.cluster_hash')
        .execute();
      const fallbackHash = currentUser.getUserHash();
      const resources = resourcesDecoder();
      return mapInSlices(rows, (row): ClusterHistoryRecord => {
        const intervals = parseJson<UsageInterval[]>(row.usage_intervals, []);
        return {
          clusterHash: row.cluster_hash,
          name: row.name,
          launchedAt: row.launched_at,
          durationSeconds: usageDuration(intervals, now),
          numNodes: row.num_nodes,
          requestedResources: row.requested_resources ? resources(row.requested_resources) : null,
          launchedResources: resources(row.launched_resources),
          usageIntervals: intervals,
          status: (row.status as ClusterStatus | null) ?? null,
          userHash: row.user_hash ?? fallbackHash,
          userName: row.user_name,
          workspace: row.workspace,
          lastCreationYaml: row.last_creation_yaml,
          lastCreationCommand: row.last_creation_command,
          lastEvent: row.last_event,
        };
      });
    },

    /** Records an event on a live cluster (by name) or a terminated one (by hash); a no-op for neither. */
    async addClusterEvent(
      clusterName: string,
      endingStatus: ClusterStatus | null,
      reason: string,
      type: ClusterEventType,
      clusterHash?: string,
    ): Promise<void> {
      await ctx.write(async (trx) => {
        const hash =
          clusterHash ??
          (await trx.selectFrom('clusters').select('cluster_hash').where('name', '=', clusterName).executeTakeFirst())?.cluster_hash;
        if (hash) await insertClusterEvent(trx, { clusterHash: hash, name: clusterName, endingStatus, reason, type });
      });
    },

    /** Oldest first; with `limit`, the latest `limit` of them (chosen in SQL, by index). */
    async getClusterEvents(
      clusterNameOrHash: string,
      type: ClusterEventType = 'STATUS_CHANGE',
      limit?: number | null,
    ): Promise<ClusterEvent[]> {
      const db = await ctx.read();
      let query = db
        .selectFrom('cluster_events')
        .selectAll()
        .where((eb) => eb.or([eb('name', '=', clusterNameOrHash), eb('cluster_hash', '=', clusterNameOrHash)]))
        .where('type', '=', type)
        .orderBy('transitioned_at', 'desc')
        .orderBy('seq', 'desc');
      if (limit) query = query.limit(limit);
      const rows = (await query.execute()).reverse();
      return rows.map((r) => ({
        clusterHash: r.cluster_hash,
        name: r.name,
        startingStatus: r.starting_status as ClusterStatus | null,
        endingStatus: r.ending_status as ClusterStatus | null,
        reason: r.reason,
        transitionedAt: r.transitioned_at,
        type: r.type as ClusterEventType,
      }));
    },
  };
}

export type HistoryState = ReturnType<typeof createHistoryState>;
