/**
 * The fake world: state records built from the fixtures. `buildWorld` starts from a deep copy of the
 * fixtures and builds new objects (a fresh `CloudVmRayResourceHandle` per cluster); it runs once per
 * fixture version and second of the demo's clock (worldCache.ts), not per call, and the fakes hand
 * out deep copies (fakes.ts), so a caller that mutates what it got never changes what the next caller
 * sees. Sections are built on first use: a call that reads the users does not build clusters.
 */
import cloneDeep from 'lodash.clonedeep';
import type dayjs from 'dayjs';
import type { NodeInfo } from '../api/wireTypes';
import type { ClusterJobStatus, ManagedJobStatus } from '../vocab/statuses';
import type { WorkspacesMap } from '../vocab/workspaces';
import { type Cloud, cloudRegistry } from '../state/clouds';
import { userHashForName } from '../state/currentUser';
import type {
  ClusterEvent,
  ClusterHistoryRecord,
  ClusterJob,
  ClusterRecord,
  ManagedJob,
  Recipe,
  StorageRecord,
  UserWithRole,
  Volume,
} from '../state/records';
import { Resources } from '../state/resources';
import { clusterRecord, hashOf } from '../living/clusterRecord';
import { resolveAgo } from '../living/worldClock';
import { lazy, lazySections } from './lazySections';
import type { Fixtures } from './fixtureSchema';
import { GPU_HOLDING_CLUSTER, GPU_HOLDING_MANAGED_JOB, gpusPlaced, withGpuUse } from '../living/gpuUse';
import { type LivingWorld, livingWorldAt } from '../living/livingWorld';
import { LogCache } from '../living/logCache';
import { redate } from '../living/provisionLog';
import { redateJobLog } from '../living/jobLogDates';
import type { Org } from '../living/generatedOrg';
import { orgOf } from '../living/generatedQueries';
import { historyOf } from '../living/clusterHistory';
import type { ServiceAccountListing } from '../state/serviceAccountsState';

export { hashOf };

export interface World {
  now: number;
  currentUser: { id: string; name: string };
  users: UserWithRole[];
  /** Service-account tokens as listed (src/state/serviceAccountsState.ts). */
  serviceAccounts: ServiceAccountListing[];
  clusters: ClusterRecord[];
  history: ClusterHistoryRecord[];
  clusterJobs: ClusterJob[];
  clusterJobLogs: Map<string, string>;
  managedJobs: ManagedJob[];
  managedJobLogs: Map<number, string>;
  volumes: Volume[];
  workspaces: WorkspacesMap;
  enabledClouds: Record<string, Cloud[]>;
  kubernetesNodes: Record<string, NodeInfo[]>;
  storage: StorageRecord[];
  recipes: Recipe[];
  /** The server config without `workspaces` (those are `workspaces`). */
  serverConfig: Record<string, unknown>;
  /** Provisioning logs by cluster name. */
  provisionLogs: Map<string, string>;
  /** Status changes by cluster name, oldest first. */
  clusterEvents: Map<string, ClusterEvent[]>;
  /** What this world is a function of: replay it with the same fixtures, seed and `t`. */
  fingerprint: WorldFingerprint;
  /** The generated org (activity.yaml `generated`), answered lazily by the fakes; absent: none. */
  org?: Org | null;
}

export interface WorldFingerprint {
  /** A hash of the fixtures' content (data and text files). */
  fixtures: string;
  seed: number;
  /** The instant answered, epoch seconds. */
  t: number;
}

/** A fixture cluster's story: launched (INIT), then its current status. */
export function fixtureClusterEvents(c: ClusterRecord): ClusterEvent[] {
  const type = 'STATUS_CHANGE' as const;
  return [
    {
      clusterHash: c.clusterHash,
      name: c.name,
      startingStatus: null,
      endingStatus: 'INIT',
      reason: 'Cluster launch initiated.',
      transitionedAt: c.launchedAt,
      type,
    },
    {
      clusterHash: c.clusterHash,
      name: c.name,
      startingStatus: 'INIT',
      endingStatus: c.status,
      reason: c.lastEvent ?? 'Cluster is up.',
      transitionedAt: c.statusUpdatedAt ?? c.launchedAt,
      type,
    },
  ];
}

export { historyOf };

/** Log texts per fixture version, extended second by second rather than rebuilt (see logCache.ts). */
const logCaches = new WeakMap<Fixtures, LogCache>();

function logCacheOf(source: Fixtures): LogCache {
  const cache = logCaches.get(source) ?? new LogCache();
  logCaches.set(source, cache);
  return cache;
}

/** GPUs held per Kubernetes context and GPU type by what runs (see living/gpuUse.ts). */
function gpusInUse(clusters: readonly ClusterRecord[], managedJobs: readonly ManagedJob[]): Map<string, Map<string, number>> {
  return gpusPlaced([
    ...clusters
      .filter((c) => GPU_HOLDING_CLUSTER.includes(c.status))
      .map((c) => ({
        cloud: c.handle.launchedResources.cloud?.name ?? '',
        region: c.handle.launchedResources.region,
        instanceType: c.handle.launchedResources.instanceType,
        nodes: c.handle.launchedNodes,
      })),
    ...managedJobs
      .filter((j) => GPU_HOLDING_MANAGED_JOB.includes(j.status) && j.launchedResources)
      .map((j) => ({
        cloud: j.launchedResources!.cloud?.name ?? '',
        region: j.launchedResources!.region,
        instanceType: j.launchedResources!.instanceType,
        nodes: j.numNodes,
      })),
  ]);
}

/** The nodes with free GPUs derived from `clusters` and `managedJobs` (a session's, or the world's). */
export function nodesInUse(
  nodes: Record<string, NodeInfo[]>,
  clusters: readonly ClusterRecord[],
  managedJobs: readonly ManagedJob[],
): Record<string, NodeInfo[]> {
  const use = gpusInUse(clusters, managedJobs);
  return Object.fromEntries(Object.entries(nodes).map(([context, list]) => [context, withGpuUse(list, use.get(context))]));
}

export function buildWorld(source: Fixtures, nowAt: dayjs.Dayjs, fixturesHash = ''): World {
  const now = nowAt.unix();
  const ago = (text: string) => resolveAgo(text, nowAt);
  const maybeAgo = (text: string | null | undefined) => (text ? ago(text) : null);
  const texts = source.texts;
  const logs = logCacheOf(source);
  const names = new Map(source.users.users.map((u) => [u.name, userHashForName(u.name)]));
  const idOf = (email: string) => names.get(email) ?? userHashForName(email);

  const users = lazy((): UserWithRole[] =>
    cloneDeep(source.users.users).map((u) => ({
      id: idOf(u.name),
      name: u.name,
      password: null,
      createdAt: ago(u.created),
      userType: 'basic',
      role: u.role,
    })),
  );

  // Stable ids per name, shaped as upstream's: a 16-character token id, `sa-` and 16 hex.
  const idFor = (what: string, name: string) => hashOf(`${what}:${name}`).replace(/-/g, '').slice(0, 16);
  const serviceAccounts = lazy((): ServiceAccountListing[] =>
    source.users.service_accounts.map((a) => ({
      tokenId: idFor('token', a.name),
      tokenName: a.name,
      createdAt: ago(a.created),
      lastUsedAt: null,
      expiresAt: a.expires_in_days ? ago(a.created) + a.expires_in_days * 86_400 : null,
      creatorUserHash: idOf(a.created_by),
      creatorName: a.created_by,
      serviceAccountUserId: `sa-${idFor('account', a.name)}`,
      serviceAccountName: a.name,
      role: a.role,
    })),
  );

  /** The living world at `now` (empty without activity.yaml), computed once per world. */
  const living = lazy((): LivingWorld | null => {
    if (!source.activity) return null;
    const lastClusterJobId = new Map(Object.entries(source.clusterJobs).map(([c, jobs]) => [c, Math.max(0, ...jobs.map((j) => j.id))]));
    return livingWorldAt({ activity: source.activity, texts, lastClusterJobId, idOf }, now, hashOf);
  });

  const clusters = lazy((): ClusterRecord[] => [
    ...cloneDeep(source.clusters).map((c, index) =>
      clusterRecord(
        {
          ...c,
          userHash: idOf(c.user),
          launchedAt: ago(c.launched),
          statusUpdatedAt: c.stopped ? ago(c.stopped) : ago(c.launched),
          lastEvent: c.status === 'STOPPED' ? 'Cluster stopped by autostop.' : c.status === 'UP' ? 'Cluster is up.' : 'Provisioning.',
          yaml: texts[c.task] ?? null,
          provisionLogPath: c.provision_log ?? null,
        },
        index,
      ),
    ),
    ...(living()?.clusters ?? []).map(({ spec, place }) => clusterRecord(spec, source.clusters.length + place)),
  ]);

  const history = lazy((): ClusterHistoryRecord[] => {
    const liveHistory = clusters().map((c) => historyOf(c, now));
    const terminated: ClusterHistoryRecord[] = cloneDeep(source.history).map((h) => {
      const start = ago(h.launched);
      const end = ago(h.terminated);
      return {
        clusterHash: hashOf(h.name),
        name: h.name,
        launchedAt: start,
        durationSeconds: end - start,
        numNodes: h.nodes,
        requestedResources: null,
        launchedResources: new Resources({
          cloud: cloudRegistry.fromName(h.cloud),
          instanceType: h.instance_type,
          region: h.region ?? null,
        }),
        usageIntervals: [[start, end]],
        status: null,
        userHash: idOf(h.user),
        userName: h.user,
        workspace: h.workspace,
        lastCreationYaml: texts[h.task] ?? null,
        lastCreationCommand: `sky launch -c ${h.name} ${h.task.split('/').pop()}`,
        lastEvent: 'Cluster terminated.',
      };
    });
    const livingTerminated = (living()?.terminated ?? []).map(({ spec, terminatedAt }, i) =>
      historyOf(clusterRecord(spec, i), now, terminatedAt),
    );
    return [...liveHistory, ...terminated, ...livingTerminated].sort((a, b) => b.launchedAt - a.launchedAt);
  });

  const clusterJobs = lazy((): ClusterJob[] => [
    ...Object.entries(cloneDeep(source.clusterJobs)).flatMap(([cluster, jobs]) =>
      jobs.map((j) => ({
        clusterName: cluster,
        jobId: j.id,
        jobName: j.name,
        userHash: idOf(j.user),
        userName: j.user,
        submittedAt: ago(j.submitted),
        startAt: maybeAgo(j.started),
        endAt: maybeAgo(j.ended),
        resources: j.resources,
        status: j.status as ClusterJobStatus,
        logPath: `~/sky_logs/${cluster}/${j.id}/run.log`,
        metadata: {},
      })),
    ),
    ...(living()?.clusterJobs ?? []),
  ]);
  const clusterJobLogs = lazy(
    () =>
      new Map([
        ...Object.entries(source.clusterJobs).flatMap(([cluster, jobs]) =>
          jobs.map((j): [string, string] => [`${cluster}/${j.id}`, redateJobLog(texts[j.log] ?? '', ago(j.started ?? j.submitted))]),
        ),
        ...[...(living()?.clusterJobLogs ?? [])].map(([key, plan]): [string, string] => [
          key,
          logs.at(`job/${key}/${plan.running[0]?.[0]}`, plan, now),
        ]),
      ]),
  );

  const managedJobLogs = lazy(
    () =>
      new Map([
        ...source.managedJobs.map((j): [number, string] => [j.id, redateJobLog(texts[j.log] ?? '', ago(j.started ?? j.submitted))]),
        ...[...(living()?.managedJobLogs ?? [])].map(([id, plan]): [number, string] => [
          id,
          logs.at(`managed/${id}/${plan.running[0]?.[0]}`, plan, now),
        ]),
      ]),
  );
  const managedJobs = lazy((): ManagedJob[] => [
    ...cloneDeep(source.managedJobs).map((j) => {
      const start = maybeAgo(j.started);
      const end = maybeAgo(j.ended);
      return {
        jobId: j.id,
        taskId: 0,
        name: j.name,
        taskName: j.name,
        userHash: idOf(j.user),
        userName: j.user,
        workspace: j.workspace,
        entrypoint: `sky jobs launch -n ${j.name} ${j.task.split('/').pop()}`,
        userYaml: texts[j.task] ?? null,
        status: j.status as ManagedJobStatus,
        scheduleState: end ? ('DONE' as const) : start ? ('ALIVE' as const) : ('WAITING' as const),
        submittedAt: ago(j.submitted),
        startAt: start,
        endAt: end,
        lastRecoveredAt: start ?? -1,
        recoveryCount: j.recoveries,
        jobDuration: start ? (end ?? now) - start : 0,
        failureReason: j.failure_reason ?? null,
        resources: j.resources,
        numNodes: j.nodes ?? 1,
        launchedResources: j.cloud
          ? new Resources({ cloud: cloudRegistry.fromName(j.cloud), instanceType: j.instance_type ?? null, region: j.region ?? null })
          : null,
        priority: 0,
        pool: null,
        currentClusterName: start && !end ? `${j.name}-${j.id}` : null,
      };
    }),
    ...(living()?.managedJobs ?? []),
  ]);

  const volumes = lazy((): Volume[] =>
    cloneDeep(source.volumes).map((v) => ({
      name: v.name,
      type: v.type,
      launchedAt: ago(v.created),
      cloud: cloudRegistry.fromName(v.cloud),
      region: v.region ?? null,
      zone: null,
      sizeGb: v.size,
      config: { storage_class_name: v.storage_class, access_mode: v.access_mode, namespace: 'default' },
      nameOnCloud: `${v.name}-${idOf(v.user).slice(0, 4)}`,
      userHash: idOf(v.user),
      userName: v.user,
      workspace: v.workspace,
      lastAttachedAt: maybeAgo(v.last_attached),
      lastUse: `sky volumes apply ${v.name}`,
      status: v.status,
      usedbyPods: v.used_by.map((c) => `${c}-head`),
      usedbyClusters: v.used_by,
    })),
  );

  const workspaces = lazy(
    (): WorkspacesMap => Object.fromEntries(Object.entries(cloneDeep(source.workspaces)).map(([k, v]) => [k, v ?? {}])),
  );
  const enabledClouds = lazy(
    (): Record<string, Cloud[]> =>
      Object.fromEntries(Object.entries(source.infra.enabled_clouds).map(([ws, list]) => [ws, list.map((c) => cloudRegistry.fromName(c))])),
  );
  const kubernetesNodes = lazy((): Record<string, NodeInfo[]> => {
    const use = gpusInUse(clusters(), managedJobs());
    return Object.fromEntries(
      cloneDeep(source.infra.kubernetes_contexts).map((ctx) => [
        ctx.name,
        withGpuUse(
          ctx.nodes.map(
            (n): NodeInfo => ({
              name: n.name,
              accelerator_type: n.gpu,
              total: { accelerator_count: n.gpus },
              // Derived below from what is placed on the context; the file's `gpus_free` is not used.
              free: { accelerators_available: n.gpus },
              ip_address: n.ip,
              cpu_count: n.cpus,
              memory_gb: n.memory_gb,
              is_ready: true,
              is_cordoned: false,
              taints: [],
            }),
          ),
          use.get(ctx.name),
        ),
      ]),
    );
  });

  const storage = lazy((): StorageRecord[] =>
    cloneDeep(source.storage)
      .map((b) => ({
        name: b.name,
        launchedAt: ago(b.created),
        stores: b.store,
        lastUse: b.last_use,
        status: b.status,
        userHash: idOf(b.user),
      }))
      .sort((a, b) => b.launchedAt - a.launchedAt),
  );
  const recipes = lazy((): Recipe[] =>
    cloneDeep(source.recipes)
      .map((r) => ({
        name: r.name,
        description: r.description ?? null,
        content: texts[r.file] ?? '',
        recipeType: r.type,
        pinned: r.pinned,
        userHash: idOf(r.user),
        userName: r.user,
        createdAt: ago(r.created),
        updatedAt: ago(r.updated),
      }))
      .sort((a, b) => Number(b.pinned) - Number(a.pinned) || (a.name < b.name ? -1 : 1)),
  );
  // A written provisioning log is re-dated to its cluster's launch: no date from its author's day.
  const provisionLogs = lazy(
    () =>
      new Map([
        ...source.clusters
          .filter((c) => c.provision_log)
          .map((c): [string, string] => [c.name, redate(texts[c.provision_log!] ?? '', ago(c.launched))]),
        ...(living()?.provisionLogs ?? []),
      ]),
  );
  const clusterEvents = lazy(
    () =>
      new Map([
        ...clusters()
          .slice(0, source.clusters.length)
          .map((c): [string, ClusterEvent[]] => [c.name, fixtureClusterEvents(c)]),
        ...(living()?.clusterEvents ?? []),
      ]),
  );

  const current = source.users.current_user;
  return lazySections<World>({
    now: () => now,
    currentUser: () => ({ id: idOf(current), name: current }),
    users,
    serviceAccounts,
    clusters,
    history,
    clusterJobs,
    clusterJobLogs,
    managedJobs,
    managedJobLogs,
    volumes,
    workspaces,
    enabledClouds,
    kubernetesNodes,
    storage,
    recipes,
    serverConfig: () => cloneDeep(source.serverConfig),
    provisionLogs,
    clusterEvents,
    org: () => (source.activity?.generated ? orgOf(source.activity.generated, source.activity.seed, Object.keys(source.workspaces)) : null),
    fingerprint: () => ({ fixtures: fixturesHash, seed: source.activity?.seed ?? 0, t: now }),
  });
}
