/**
 * Queries derived from the seams' primitives, written once above the seams: the real state and the
 * demo's fake world answer them the same way because both only supply the primitives.
 */
import type { ClusterEventType } from '../vocab/statuses';
import type { CloudVmRayResourceHandle } from './cloudVmRayResourceHandle';
import { compileNamePattern } from './clusterNamePattern';
import { globalUserState } from './globalUserState';
import { currentTask } from './managedJobStatus';
import { managedJobsState } from './managedJobsState';
import type { ClusterRecord, ManagedJob } from './records';

export const stateQueries = {
  async getClusterFromName(name: string): Promise<ClusterRecord | null> {
    const [record] = await globalUserState.getClusters({ clusterNames: [name] });
    return record ?? null;
  },

  async getHandleFromClusterName(name: string): Promise<CloudVmRayResourceHandle | null> {
    return (await stateQueries.getClusterFromName(name))?.handle ?? null;
  },

  /** Sorted names beginning with `prefix` (shell completion). */
  async getClusterNamesStartWith(prefix: string): Promise<string[]> {
    const clusters = await globalUserState.getClusters();
    return clusters
      .map((c) => c.name)
      .filter((n) => n.startsWith(prefix))
      .sort();
  },

  /** Sorted names matching a shell-style pattern (see clusterNamePattern.ts). */
  async getGlobClusterNames(pattern: string): Promise<string[]> {
    const compiled = compileNamePattern(pattern);
    const clusters = await globalUserState.getClusters();
    return clusters
      .map((c) => c.name)
      .filter((n) => compiled.test(n))
      .sort();
  },

  async getLastClusterEvent(clusterNameOrHash: string, type: ClusterEventType = 'STATUS_CHANGE'): Promise<string | null> {
    const events = await globalUserState.getClusterEvents(clusterNameOrHash, type, 1);
    return events.length ? events[events.length - 1].reason : null;
  },

  /** A managed job as its current task's record, whose status is the job's (managedJobStatus.ts). */
  async getManagedJob(jobId: number): Promise<ManagedJob | null> {
    const { jobs } = await managedJobsState.getJobs({ jobIds: [jobId] });
    return currentTask(jobs) ?? null;
  },
};
