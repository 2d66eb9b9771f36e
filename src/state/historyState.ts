/**
 * Cluster history (the cost report's source) and cluster events. History rows outlive their cluster;
 * a row whose cluster is gone reports `status: null`. Duration sums the usage intervals, an open one
 * running to now.
 */
import type { ClusterEventType, ClusterStatus } from './clusterStatus';
import { prepared, stateDb } from './database';
import { globalUserState } from './globalUserState';
import type { ClusterEvent, ClusterHistoryRecord, UsageInterval } from './records';
import { Resources, type ResourcesJSON } from './resources';
import { nowSeconds, parseJson } from './rowCodecs';
import { currentUser } from './currentUser';

interface HistoryRow {
  cluster_hash: string;
  name: string;
  num_nodes: number;
  requested_resources: string | null;
  launched_resources: string;
  usage_intervals: string;
  user_hash: string | null;
  user_name: string | null;
  last_creation_yaml: string | null;
  last_creation_command: string | null;
  workspace: string;
  status: string | null;
  last_event: string | null;
}

export function usageDuration(intervals: UsageInterval[], now: number): number {
  return intervals.reduce((sum, [start, end]) => sum + Math.max(0, (end ?? now) - start), 0);
}

export const historyState = {
  /** Clusters used within the last `days` days (all when null), most recently launched first. */
  async getClustersFromHistory(options: { days?: number | null } = {}): Promise<ClusterHistoryRecord[]> {
    const now = nowSeconds();
    const rows = prepared(`
      SELECT h.*, u.name AS user_name, c.status AS status,
        (SELECT e.reason FROM cluster_events e WHERE e.cluster_hash = h.cluster_hash AND e.type = 'STATUS_CHANGE'
          ORDER BY e.transitioned_at DESC LIMIT 1) AS last_event
      FROM cluster_history h
      LEFT JOIN users u ON u.id = h.user_hash
      LEFT JOIN clusters c ON c.cluster_hash = h.cluster_hash`).all() as HistoryRow[];
    const cutoff = options.days == null ? null : now - options.days * 86400;
    const fallbackHash = currentUser.getUserHash();
    return rows
      .map((row): ClusterHistoryRecord => {
        const intervals = parseJson<UsageInterval[]>(row.usage_intervals, []);
        return {
          clusterHash: row.cluster_hash,
          name: row.name,
          launchedAt: intervals.length ? Math.max(...intervals.map(([start]) => start)) : 0,
          durationSeconds: usageDuration(intervals, now),
          numNodes: row.num_nodes,
          requestedResources: row.requested_resources
            ? Resources.fromJSON(JSON.parse(row.requested_resources) as ResourcesJSON) : null,
          launchedResources: Resources.fromJSON(JSON.parse(row.launched_resources) as ResourcesJSON),
          usageIntervals: intervals,
          status: (row.status as ClusterStatus | null) ?? null,
          userHash: row.user_hash ?? fallbackHash,
          userName: row.user_name,
          workspace: row.workspace,
          lastCreationYaml: row.last_creation_yaml,
          lastCreationCommand: row.last_creation_command,
          lastEvent: row.last_event,
        };
      })
      .filter((r) => cutoff === null || r.usageIntervals.some(([, end]) => end === null || end >= cutoff))
      .sort((a, b) => b.launchedAt - a.launchedAt);
  },

  async addClusterEvent(
    clusterName: string,
    endingStatus: ClusterStatus | null,
    reason: string,
    type: ClusterEventType,
    clusterHash?: string,
  ): Promise<void> {
    const db = stateDb();
    const live = db.prepare('SELECT cluster_hash, status FROM clusters WHERE name = ?').get(clusterName) as
      { cluster_hash: string; status: string } | undefined;
    const hash = clusterHash ?? live?.cluster_hash;
    if (!hash) return;
    const previous = db.prepare(`SELECT ending_status FROM cluster_events WHERE cluster_hash = ?
      ORDER BY transitioned_at DESC LIMIT 1`).get(hash) as { ending_status: string | null } | undefined;
    db.prepare(`INSERT OR IGNORE INTO cluster_events
        (cluster_hash, name, starting_status, ending_status, reason, transitioned_at, type)
      VALUES (?, ?, ?, ?, ?, ?, ?)`)
      .run(hash, clusterName, previous?.ending_status ?? null, endingStatus, reason, nowSeconds(), type);
  },

  /** Oldest first. */
  async getClusterEvents(clusterNameOrHash: string, type: ClusterEventType = 'STATUS_CHANGE'):
    Promise<ClusterEvent[]> {
    const rows = prepared(`SELECT * FROM cluster_events WHERE (name = ? OR cluster_hash = ?) AND type = ?
      ORDER BY transitioned_at, rowid`).all(clusterNameOrHash, clusterNameOrHash, type) as {
      cluster_hash: string; name: string; starting_status: string | null; ending_status: string | null;
      reason: string; transitioned_at: number; type: string;
    }[];
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

  async getLastClusterEvent(clusterNameOrHash: string, type: ClusterEventType = 'STATUS_CHANGE'):
    Promise<string | null> {
    const events = await globalUserState.getClusterEvents(clusterNameOrHash, type);
    return events.length ? events[events.length - 1].reason : null;
  },
};
