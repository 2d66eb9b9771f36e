/**
 * The demo's manifest: for every function of every state seam, either a fake that reads the fake
 * world, or `REFUSE` (a write, which throws `DemoModeError`). The mapped types make a missing entry a
 * compile error; the installer also checks at run time, and a test checks the manifest.
 */
import type { WorkspacesMap } from '../api/wireTypes';
import type { KubernetesInfra } from '../infra/kubernetesInfra';
import type { CurrentUser } from '../state/currentUser';
import type { GlobalUserState } from '../state/globalUserState';
import { globToRegExp } from '../state/globPattern';
import { queryManagedJobs } from '../state/managedJobQuery';
import type { ManagedJobsState } from '../state/managedJobsState';
import type { ClusterFilter, ClusterRecord } from '../state/records';
import type { World } from './world';

export const REFUSE = Symbol('refuse');

type Manifest<T> = { [K in keyof T]: T[K] | typeof REFUSE };

export interface DemoManifest {
  globalUserState: Manifest<GlobalUserState>;
  managedJobsState: Manifest<ManagedJobsState>;
  currentUser: Manifest<CurrentUser>;
  kubernetesInfra: Manifest<KubernetesInfra>;
}

function matches(c: ClusterRecord, filter: ClusterFilter): boolean {
  return (!filter.excludeManagedClusters || !c.isManaged)
    && (!filter.workspaces || filter.workspaces.includes(c.workspace))
    && (!filter.userHashes || filter.userHashes.includes(c.userHash))
    && (!filter.clusterNames || filter.clusterNames.includes(c.name));
}

export function buildManifest(world: () => World): DemoManifest {
  const cluster = (name: string) => world().clusters.find((c) => c.name === name) ?? null;
  return {
    globalUserState: {
      // Lifecycle: the demo has no database to open or close.
      init: async () => {},
      close: async () => {},
      getClusters: async (filter = {}) => world().clusters.filter((c) => matches(c, filter))
        .sort((a, b) => b.launchedAt - a.launchedAt),
      getClusterFromName: async (name) => cluster(name),
      getHandleFromClusterName: async (name) => cluster(name)?.handle ?? null,
      getClusterNamesStartWith: async (prefix) => world().clusters.map((c) => c.name).filter((n) => n.startsWith(prefix)).sort(),
      getGlobClusterNames: async (pattern) => world().clusters.map((c) => c.name).filter((n) => globToRegExp(pattern).test(n)).sort(),
      addOrUpdateCluster: REFUSE,
      setClusterStatus: REFUSE,
      setClusterAutostopValue: REFUSE,
      updateLastUse: REFUSE,
      updateClusterHandle: REFUSE,
      removeCluster: REFUSE,
      getClustersFromHistory: async (options = {}) => {
        const w = world();
        const cutoff = options.days == null ? null : w.now - options.days * 86400;
        return w.history.filter((h) => cutoff === null || h.usageIntervals.some(([, end]) => end === null || end >= cutoff));
      },
      addClusterEvent: REFUSE,
      getClusterEvents: async (nameOrHash) => {
        const c = world().clusters.find((r) => r.name === nameOrHash || r.clusterHash === nameOrHash);
        if (!c) return [];
        return [
          { clusterHash: c.clusterHash, name: c.name, startingStatus: null, endingStatus: 'INIT', reason: 'Cluster launch initiated.', transitionedAt: c.launchedAt, type: 'STATUS_CHANGE' as const },
          { clusterHash: c.clusterHash, name: c.name, startingStatus: 'INIT' as const, endingStatus: c.status, reason: c.lastEvent ?? 'Cluster is up.', transitionedAt: c.statusUpdatedAt ?? c.launchedAt, type: 'STATUS_CHANGE' as const },
        ];
      },
      getLastClusterEvent: async (nameOrHash) =>
        world().clusters.find((r) => r.name === nameOrHash || r.clusterHash === nameOrHash)?.lastEvent ?? null,
      getAllUsers: async () => world().users,
      getUser: async (id) => world().users.find((u) => u.id === id) ?? null,
      getUserByName: async (name) => world().users.filter((u) => u.name === name),
      // Registering a caller is bookkeeping, not a change a visitor asked for: skipped, not refused.
      addOrUpdateUser: async () => false,
      deleteUser: REFUSE,
      getUserRole: async (id) => world().users.find((u) => u.id === id)?.role || null,
      setUserRole: REFUSE,
      getCachedEnabledClouds: async (workspace = 'default') => world().enabledClouds[workspace] ?? [],
      setEnabledClouds: REFUSE,
      getWorkspaces: async (): Promise<WorkspacesMap> => world().workspaces,
      setWorkspace: REFUSE,
      deleteWorkspace: REFUSE,
      getSshNodePools: async () => ({}),
      getSshKeys: async () => null,
      setSshKeys: REFUSE,
      getClusterJobs: async (name) => world().clusterJobs.filter((j) => j.clusterName === name)
        .sort((a, b) => b.jobId - a.jobId),
      addClusterJob: REFUSE,
      setClusterJobStatus: REFUSE,
      appendClusterJobLog: REFUSE,
      getClusterJobLog: async (name, jobId) => world().clusterJobLogs.get(`${name}/${jobId}`) ?? null,
      removeClusterJobs: REFUSE,
      getVolumes: async () => world().volumes.sort((a, b) => b.launchedAt - a.launchedAt),
      addVolume: REFUSE,
      deleteVolume: REFUSE,
    },
    managedJobsState: {
      init: async () => {},
      close: async () => {},
      getJobs: async (query = {}) => queryManagedJobs(world().managedJobs, query),
      getJob: async (id) => world().managedJobs.find((j) => j.jobId === id) ?? null,
      addJob: REFUSE,
      setJobStatus: REFUSE,
      appendJobLog: REFUSE,
      getJobLog: async (id) => world().managedJobLogs.get(id) ?? null,
    },
    currentUser: {
      // Every visitor is the fixture's current user, so no auth is needed anywhere.
      getUserHash: () => world().currentUser.id,
      getCurrentUser: () => ({ ...world().currentUser }),
    },
    kubernetesInfra: {
      getAllContexts: async () => Object.keys(world().kubernetesNodes),
      getNodeInfo: async (context) => {
        const nodes = context ? world().kubernetesNodes[context] : undefined;
        return {
          node_info_dict: Object.fromEntries((nodes ?? []).map((n) => [n.name, n])),
          hint: nodes ? '' : `Kubernetes context '${context ?? ''}' is not part of the demo.`,
        };
      },
      getGpuAvailability: async (context) => Object.entries(world().kubernetesNodes)
        .filter(([name]) => !context || name === context)
        .map(([name, nodes]) => {
          const byGpu = new Map<string, { counts: Set<number>; capacity: number; available: number }>();
          for (const n of nodes) {
            if (!n.accelerator_type) continue;
            const entry = byGpu.get(n.accelerator_type) ?? { counts: new Set<number>(), capacity: 0, available: 0 };
            entry.counts.add(n.total.accelerator_count);
            entry.capacity += n.total.accelerator_count;
            entry.available += n.free.accelerators_available;
            byGpu.set(n.accelerator_type, entry);
          }
          return [name, [...byGpu].map(([gpu, e]) => [gpu, [...e.counts].sort((a, b) => a - b), e.capacity, e.available])] as
            [string, [string, number[], number, number][]];
        }),
    },
  };
}
