/**
 * A live cluster's row in the cost report and history, the one formula for the fixture world, the
 * generated org and visitors' sessions: one usage interval from its launch, closed when it stopped.
 */
import type { ClusterHistoryRecord, ClusterRecord } from '../state/records';

/**
 * A live cluster's cost-report row: one usage interval from its launch, closed when it stopped, or at
 * `terminatedAt` (then it reads as terminated: no status).
 */
export function historyOf(c: ClusterRecord, now: number, terminatedAt: number | null = null): ClusterHistoryRecord {
  const end = terminatedAt ?? (c.status === 'STOPPED' ? (c.statusUpdatedAt ?? now) : null);
  return {
    clusterHash: c.clusterHash,
    name: c.name,
    launchedAt: c.launchedAt,
    durationSeconds: (end ?? now) - c.launchedAt,
    numNodes: c.handle.launchedNodes,
    requestedResources: null,
    launchedResources: c.handle.launchedResources,
    usageIntervals: [[c.launchedAt, end]],
    status: terminatedAt === null ? c.status : null,
    userHash: c.userHash,
    userName: c.userName,
    workspace: c.workspace,
    lastCreationYaml: c.lastCreationYaml,
    lastCreationCommand: c.lastCreationCommand,
    lastEvent: terminatedAt === null ? c.lastEvent : 'Cluster terminated.',
  };
}
