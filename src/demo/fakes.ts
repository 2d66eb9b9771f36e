/**
 * The demo's manifest: for every function of every state seam, either a fake that reads the fake
 * world, or `REFUSE` (a write, which throws `DemoModeError`). Seams hold only primitives, so every
 * fake here is a plain read of the world: lookups by name, glob or id are derived above the seams
 * (src/state/stateQueries.ts) and shared with the real state. The mapped types make a missing entry
 * a compile error; the installer also checks at run time, and a test checks the manifest.
 *
 * Every read returns a deep copy (fresh handles and Resources), so a caller that mutates what it got
 * never changes the cached world or what the next visitor sees.
 */
import cloneDeep from 'lodash.clonedeep';
import type { KubernetesInfra } from '../infra/kubernetesInfra';
import type { CurrentUser } from '../state/currentUser';
import type { GlobalUserState } from '../state/globalUserState';
import { queryManagedJobs } from '../state/managedJobQuery';
import type { ManagedJobsState } from '../state/managedJobsState';
import type { ClusterFilter, ClusterRecord } from '../state/records';
import { DEFAULT_WORKSPACE } from '../vocab/workspaces';
import { DemoModeError } from './demoModeError';
import { type Org, orgUsers } from '../living/generatedOrg';
import {
  orgClusterEvents,
  orgClusterJobLog,
  orgClusterJobs,
  orgClusters,
  orgHistory,
  orgManagedJobLog,
  orgManagedJobs,
} from '../living/generatedQueries';
import type { World } from './world';
import type { WorldCache } from './worldCache';

export const REFUSE = Symbol('refuse');

type Manifest<T> = { [K in keyof T]: T[K] | typeof REFUSE };

export interface DemoManifest {
  globalUserState: Manifest<GlobalUserState>;
  managedJobsState: Manifest<ManagedJobsState>;
  currentUser: Manifest<CurrentUser>;
  kubernetesInfra: Manifest<KubernetesInfra>;
}

function matches(c: ClusterRecord, filter: ClusterFilter): boolean {
  return (
    (!filter.excludeManagedClusters || !c.isManaged) &&
    (!filter.workspaces || filter.workspaces.includes(c.workspace)) &&
    (!filter.userHashes || filter.userHashes.includes(c.userHash)) &&
    (!filter.clusterNames || filter.clusterNames.includes(c.name))
  );
}

/** Newest launch first, then by name: the order the real `getClusters` answers in. */
function byLaunch(a: ClusterRecord, b: ClusterRecord): number {
  return b.launchedAt - a.launchedAt || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

export function buildManifest(cache: WorldCache): DemoManifest {
  /** A deep copy of part of the current world. */
  const read = <T>(pick: (w: World) => T): T => cloneDeep(pick(cache.current()));
  /** An answer from the generated org, if the world has one (built fresh: no copy needed). */
  const gen = <T>(answer: (org: Org, t: number) => T): T | null => {
    const w = cache.current();
    return w.org ? answer(w.org, w.now) : null;
  };
  const lifecycle = {
    // The demo has no database to open or close.
    init: async () => {},
    close: async () => {},
    ping: async () => {},
    stateVersion: () => cache.version(),
  };
  return {
    globalUserState: {
      ...lifecycle,
      getClusters: async (filter = {}) => {
        const w = cache.current();
        const own = read(() => w.clusters.filter((c) => matches(c, filter)));
        return (w.org ? [...own, ...(await orgClusters(w.org, w.now, filter, w.clusters.length))] : own).sort(byLaunch);
      },
      addOrUpdateCluster: REFUSE,
      setClusterStatus: REFUSE,
      setClusterAutostopValue: REFUSE,
      updateLastUse: REFUSE,
      updateClusterHandle: REFUSE,
      removeCluster: REFUSE,
      getClustersFromHistory: async (options = {}) => [
        ...read((w) => {
          const cutoff = options.days == null ? null : w.now - options.days * 86400;
          return w.history.filter(
            (h) =>
              (cutoff === null || h.usageIntervals.some(([, end]) => end === null || end >= cutoff)) &&
              ((!options.clusterHashes && !options.clusterNames) ||
                !!options.clusterHashes?.includes(h.clusterHash) ||
                !!options.clusterNames?.includes(h.name)),
          );
        }),
        ...((await gen((o, t) => orgHistory(o, t, options))) ?? []),
      ],
      addClusterEvent: REFUSE,
      getClusterEvents: async (nameOrHash, type = 'STATUS_CHANGE', limit) =>
        (type === 'STATUS_CHANGE' ? await gen((o, t) => orgClusterEvents(o, t, nameOrHash, limit)) : null) ??
        read((w) => {
          const c = w.clusters.find((r) => r.name === nameOrHash || r.clusterHash === nameOrHash);
          if (!c || type !== 'STATUS_CHANGE') return [];
          const events = w.clusterEvents.get(c.name) ?? [];
          return limit ? events.slice(-limit) : events;
        }),
      getAllUsers: async () => read((w) => [...w.users, ...(w.org ? orgUsers(w.org) : [])]),
      getUser: async (id) => read((w) => [...w.users, ...(w.org ? orgUsers(w.org) : [])].find((u) => u.id === id) ?? null),
      getUserByName: async (name) => read((w) => w.users.filter((u) => u.name === name)),
      // Registering a caller is bookkeeping, not a change a visitor asked for: skipped, not refused.
      // Setting a password is a change, and a silent skip would report it done: refused.
      addOrUpdateUser: async (user) => {
        if (user.password != null) throw new DemoModeError('globalUserState.addOrUpdateUser would set a password');
        return false;
      },
      deleteUser: REFUSE,
      getUserRole: async (id) => cache.current().users.find((u) => u.id === id)?.role || null,
      setUserRole: REFUSE,
      getCachedEnabledClouds: async (workspace = DEFAULT_WORKSPACE) => read((w) => w.enabledClouds[workspace] ?? []),
      setEnabledClouds: REFUSE,
      getWorkspaces: async () => read((w) => w.workspaces),
      setWorkspace: REFUSE,
      deleteWorkspace: REFUSE,
      getSshNodePools: async () => ({}),
      getSshKeys: async () => null,
      setSshKeys: REFUSE,
      getClusterJobs: async (name) =>
        gen((o, t) => orgClusterJobs(o, t, name)) ??
        read((w) => w.clusterJobs.filter((j) => j.clusterName === name).sort((a, b) => b.jobId - a.jobId)),
      addClusterJob: REFUSE,
      setClusterJobStatus: REFUSE,
      appendClusterJobLog: REFUSE,
      getClusterJobLog: async (name, jobId) =>
        cache.current().clusterJobLogs.get(`${name}/${jobId}`) ?? gen((o, t) => orgClusterJobLog(o, t, name, jobId)),
      removeClusterJobs: REFUSE,
      getVolumes: async () => read((w) => [...w.volumes].sort((a, b) => b.launchedAt - a.launchedAt)),
      addVolume: REFUSE,
      deleteVolume: REFUSE,
      getClusterProvisionLog: async (name) => cache.current().provisionLogs.get(name) ?? null,
      getServerConfig: async () => read((w) => w.serverConfig),
      setServerConfig: REFUSE,
      setWorkspaces: REFUSE,
      getStorage: async () => read((w) => w.storage),
      addOrUpdateStorage: REFUSE,
      removeStorage: REFUSE,
      getRecipes: async () => read((w) => w.recipes),
      upsertRecipe: REFUSE,
      // The fixture's accounts are listed; none has a stored token, so none authenticates or is managed.
      listServiceAccountTokens: async () => read((w) => w.serviceAccounts),
      getServiceAccountToken: async () => null,
      getServiceAccountTokenByHash: async () => null,
      getTokenSecret: async () => null,
      ensureTokenSecret: REFUSE,
      addServiceAccount: REFUSE,
      rotateServiceAccountToken: REFUSE,
      deleteServiceAccount: REFUSE,
      touchServiceAccountToken: REFUSE,
    },
    managedJobsState: {
      getJobs: async (query = {}) => {
        const own = read((w) => w.managedJobs);
        return (await gen((o, t) => orgManagedJobs(o, t, own, query))) ?? queryManagedJobs(own, query);
      },
      addJob: REFUSE,
      setJobStatus: REFUSE,
      appendJobLog: REFUSE,
      getJobLog: async (id) => cache.current().managedJobLogs.get(id) ?? gen((o, t) => orgManagedJobLog(o, t, id)),
    },
    currentUser: {
      // Every visitor is the fixture's current user, so no auth is needed anywhere.
      getUserHash: () => cache.current().currentUser.id,
      getCurrentUser: () => ({ ...cache.current().currentUser }),
    },
    kubernetesInfra: {
      getAllContexts: async () => Object.keys(cache.current().kubernetesNodes),
      getNodeInfo: async (context) =>
        read((w) => {
          const nodes = context ? w.kubernetesNodes[context] : undefined;
          return {
            node_info_dict: Object.fromEntries((nodes ?? []).map((n) => [n.name, n])),
            hint: nodes ? '' : `Kubernetes context '${context ?? ''}' is not part of the demo.`,
          };
        }),
    },
  };
}
