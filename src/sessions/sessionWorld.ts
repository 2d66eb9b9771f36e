/**
 * The world as one session sees it: the shared fixture world with the session's changes applied, at
 * a given second. Copy-on-write: nothing of the shared world is copied or changed; a section is
 * derived on first read (a `/status` never builds the managed jobs), untouched records are the shared
 * ones (the fakes deep-copy whatever they hand out), and only records a change touches are new.
 */
import cloneDeep from 'lodash.clonedeep';
import { stableAddresses } from '../operations/clusters';
import type { ClusterEvent, ClusterHistoryRecord, ClusterJob, ClusterRecord, ManagedJob } from '../state/records';
import { isActiveClusterJob, isTerminalManagedJob } from '../vocab/statuses';
import { lazy, lazySections } from '../demo/lazySections';
import { historyOf, nodesInUse, type World } from '../demo/world';
import { launchedClusterRecord, launchedJob, taskSummary } from './launchedCluster';
import { type ClusterOverride, fold, type LaunchChange, type Overlay } from './overlay';
import type { LaunchSpec } from './sessionSettings';
import type { Change } from './sessionChanges';
import { sessionEnabledClouds } from './workspaceClouds';
import { type ClusterStory, jobTimeline, provisionLog, replay, type Transition, upTime } from './simulation';

/** What the simulation needs besides the changes: timings, launch specs and the fixture texts (logs). */
export interface Simulation {
  startSeconds: number;
  launch: Record<string, LaunchSpec>;
  texts: Record<string, string>;
}

/** A managed job being cancelled reads CANCELLING this long, then CANCELLED. */
export const CANCELLING_SECONDS = 3;

interface Live {
  record: ClusterRecord;
  story: ClusterStory | null;
  launch: LaunchChange | null;
}

function eventsOf(c: ClusterRecord, transitions: Transition[]): ClusterEvent[] {
  return transitions.map((t) => ({
    clusterHash: c.clusterHash,
    name: c.name,
    startingStatus: t.from,
    endingStatus: t.to,
    reason: t.reason,
    transitionedAt: t.at,
    type: 'STATUS_CHANGE' as const,
  }));
}

/** A fixture cluster after its lifecycle changes: new status, addresses, autostop; the rest as shared. */
function changedFixture(c: ClusterRecord, o: ClusterOverride, now: number): Live {
  const story = o.steps.length
    ? replay({ status: c.status, statusUpdatedAt: c.statusUpdatedAt ?? c.launchedAt, lastEvent: c.lastEvent ?? '' }, o.steps, now)
    : null;
  const record: ClusterRecord = { ...c, autostop: o.autostop?.minutes ?? c.autostop, toDown: o.autostop?.down ?? c.toDown };
  if (story) {
    record.handle = cloneDeep(c.handle);
    record.handle.stableInternalExternalIps = story.status !== 'UP' ? null : (o.ips ?? c.handle.stableInternalExternalIps ?? null);
    Object.assign(record, { status: story.status, statusUpdatedAt: story.statusUpdatedAt, lastEvent: story.lastEvent });
    if (story.provisioning) {
      record.launchedAt = story.provisioning.at;
      record.lastUse = `sky start ${c.name}`;
      record.clusterEverUp = true;
    }
  }
  return { record, story, launch: null };
}

export function sessionWorld(base: World, changes: readonly Change[], now: number, sim: Simulation): World {
  const overlay: Overlay = fold(changes, {
    startSeconds: sim.startSeconds,
    provisionSeconds: (recipe) => sim.launch[recipe]?.provision_seconds ?? 10,
  });
  const user = base.currentUser;
  const recipeNamed = (name: string) => base.recipes.find((r) => r.name === name);
  const linesOf = (spec: LaunchSpec | undefined) => (sim.texts[spec?.log ?? ''] ?? '').split('\n').filter((l) => l !== '');

  const launchedLive = (launch: LaunchChange, o: ClusterOverride | undefined, at: number): Live | null => {
    const spec = sim.launch[launch.recipe];
    if (!spec) return null; // its recipe was taken out of sandbox.yaml since: the cluster goes with it
    const story = replay({ status: null, statusUpdatedAt: launch.at, lastEvent: '' }, o?.steps ?? [], at);
    const record = launchedClusterRecord(launch, spec, recipeNamed(launch.recipe), user, story);
    if (o?.autostop) Object.assign(record, { autostop: o.autostop.minutes, toDown: o.autostop.down });
    return { record, story, launch };
  };

  const live = lazy((): Live[] => {
    const out: Live[] = [];
    for (const c of base.clusters) {
      if (overlay.downedFixtures.has(c.name) || overlay.launched.has(c.name)) continue;
      const o = overlay.clusters.get(c.name);
      out.push(o ? changedFixture(c, o, now) : { record: c, story: null, launch: null });
    }
    for (const { launch } of overlay.launched.values()) {
      const found = launchedLive(launch, overlay.clusters.get(launch.cluster), now);
      if (found) out.push(found);
    }
    return out;
  });
  const clusters = lazy(() => live().map((l) => l.record));

  const history = lazy((): ClusterHistoryRecord[] => {
    const rows = base.history.filter((h) => h.status === null);
    for (const c of clusters()) rows.push(historyOf(c, now));
    for (const c of base.clusters) {
      const downAt = overlay.downedFixtures.get(c.name);
      if (downAt !== undefined) rows.push(historyOf(c, now, downAt));
    }
    for (const { launch, override, at } of overlay.downedLaunches) {
      const gone = launchedLive(launch, override, at);
      if (gone) rows.push(historyOf(gone.record, now, at));
    }
    return rows.sort((a, b) => b.launchedAt - a.launchedAt);
  });

  const jobsAndLogs = lazy(() => {
    const logs = new Map(base.clusterJobLogs);
    const jobs: ClusterJob[] = [];
    const liveNames = new Set(clusters().map((c) => c.name));
    // A shared cluster this visitor stopped: the shared world's jobs go on without it, so jobs
    // submitted after its first stop are not its, and those still active then were cancelled by it.
    const stoppedAt = new Map(
      live().flatMap((l) => {
        const at = l.launch ? undefined : l.story?.transitions.find((t) => t.to === 'STOPPED')?.at;
        return at === undefined ? [] : [[l.record.name, at] as const];
      }),
    );
    for (const j of base.clusterJobs) {
      if (!liveNames.has(j.clusterName) || overlay.launched.has(j.clusterName) || overlay.clearedFixtureJobs.has(j.clusterName)) continue;
      const stop = stoppedAt.get(j.clusterName);
      if (stop !== undefined && j.submittedAt > stop) continue;
      const stopCancelled = stop !== undefined && (j.endAt === null || j.endAt > stop);
      const cancelledAt = stopCancelled ? stop : overlay.cancelledJobs.get(`${j.clusterName}/${j.jobId}`);
      if (cancelledAt === undefined || (!stopCancelled && !isActiveClusterJob(j.status))) {
        jobs.push(j);
        continue;
      }
      jobs.push({ ...j, status: 'CANCELLED', endAt: cancelledAt, startAt: j.startAt });
      logs.set(`${j.clusterName}/${j.jobId}`, `${logs.get(`${j.clusterName}/${j.jobId}`) ?? ''}✗ Job cancelled (status: CANCELLED).\n`);
    }
    for (const l of live()) {
      if (!l.launch || !l.story || overlay.launched.get(l.record.name)?.jobsCleared) continue;
      const spec = sim.launch[l.launch.recipe];
      const firstStop = l.story.transitions.find((t) => t.to === 'STOPPED')?.at ?? null;
      const cancelled = overlay.cancelledJobs.get(`${l.record.name}/1`) ?? null;
      const interruptions = [firstStop, cancelled].filter((t): t is number => t !== null);
      const timeline = jobTimeline({
        runsAt: upTime(l.story, l.launch.at - 1),
        lines: linesOf(spec),
        lineSeconds: spec.line_seconds,
        finishes: spec.finishes,
        interruptedAt: interruptions.length ? Math.min(...interruptions) : null,
        now,
      });
      jobs.push(launchedJob(l.record, l.launch, taskSummary(recipeNamed(l.launch.recipe), spec.nodes), timeline));
      logs.set(`${l.record.name}/1`, timeline.log);
    }
    return { jobs, logs };
  });

  const managedJobsAndLogs = lazy(() => {
    if (!overlay.cancelledManagedJobs.size) return { jobs: base.managedJobs, logs: base.managedJobLogs };
    const logs = new Map(base.managedJobLogs);
    const jobs = base.managedJobs.map((j): ManagedJob => {
      const at = overlay.cancelledManagedJobs.get(j.jobId);
      if (at === undefined || isTerminalManagedJob(j.status)) return j;
      const done = now >= at + CANCELLING_SECONDS;
      const end = done ? at + CANCELLING_SECONDS : null;
      logs.set(j.jobId, `${logs.get(j.jobId) ?? ''}Cancelling the job (requested by ${user.name}) ...\n${done ? 'Job CANCELLED.\n' : ''}`);
      return {
        ...j,
        status: done ? 'CANCELLED' : 'CANCELLING',
        endAt: end,
        scheduleState: done ? 'DONE' : j.scheduleState,
        currentClusterName: done ? null : j.currentClusterName,
        jobDuration: j.startAt ? Math.max(0, Math.min(now, end ?? now) - j.startAt) : 0,
      };
    });
    return { jobs, logs };
  });

  // The head's public address as its latest provisioning recorded it (a stop clears the handle's).
  const headIpOf = (l: Live): string => {
    const ips = l.launch
      ? stableAddresses(l.record.clusterHash, l.record.handle.launchedNodes)
      : (overlay.clusters.get(l.record.name)?.ips ?? base.clusters.find((c) => c.name === l.record.name)?.handle.stableInternalExternalIps);
    return ips?.[0]?.[1] ?? '';
  };
  const provisionLogs = lazy(() => {
    const logs = new Map(base.provisionLogs);
    for (const l of live()) {
      const p = l.story?.provisioning;
      if (!p) continue;
      const c = l.record;
      const stop = l.story!.transitions.find((t) => t.to === 'STOPPED' && t.at > p.at)?.at ?? null;
      logs.set(
        c.name,
        provisionLog(
          {
            name: c.name,
            nameOnCloud: c.handle.clusterNameOnCloud,
            cloud: c.handle.launchedResources.cloud?.name ?? 'cloud',
            region: c.handle.launchedResources.region,
            instanceType: c.handle.launchedResources.instanceType ?? '',
            nodes: c.handle.launchedNodes,
            headIp: headIpOf(l),
          },
          p,
          now,
          stop,
        ),
      );
    }
    return logs;
  });

  const clusterEvents = lazy(() => {
    const events = new Map<string, ClusterEvent[]>();
    for (const l of live()) {
      const own = l.story ? eventsOf(l.record, l.story.transitions) : [];
      events.set(l.record.name, l.launch ? own : [...(base.clusterEvents.get(l.record.name) ?? []), ...own]);
    }
    return events;
  });

  const workspaces = lazy(() => {
    if (!overlay.workspaces.size) return base.workspaces;
    const all = { ...base.workspaces };
    for (const [name, config] of overlay.workspaces) {
      if (config === null) delete all[name];
      else all[name] = config;
    }
    return all;
  });

  return lazySections<World>({
    now: () => now,
    currentUser: () => base.currentUser,
    users: () =>
      overlay.roles.size ? base.users.map((u) => (overlay.roles.has(u.id) ? { ...u, role: overlay.roles.get(u.id)! } : u)) : base.users,
    serviceAccounts: () => base.serviceAccounts,
    clusters,
    history,
    clusterJobs: () => jobsAndLogs().jobs,
    clusterJobLogs: () => jobsAndLogs().logs,
    managedJobs: () => managedJobsAndLogs().jobs,
    managedJobLogs: () => managedJobsAndLogs().logs,
    volumes: () => (overlay.deletedVolumes.size ? base.volumes.filter((v) => !overlay.deletedVolumes.has(v.name)) : base.volumes),
    workspaces,
    // A workspace the visitor created or changed lists the clouds its config leaves enabled.
    enabledClouds: () =>
      overlay.workspaces.size ? sessionEnabledClouds(base.enabledClouds, workspaces(), overlay.workspaces.keys()) : base.enabledClouds,
    // Derived from this session's clusters and jobs: a cluster the visitor stopped frees its GPUs.
    kubernetesNodes: () => nodesInUse(base.kubernetesNodes, clusters(), managedJobsAndLogs().jobs),
    storage: () => base.storage,
    recipes: () => base.recipes,
    serverConfig: () => base.serverConfig,
    provisionLogs,
    clusterEvents,
    fingerprint: () => base.fingerprint,
    // The generated org is shared and read-only: a visitor sees it, and their changes never reach it.
    org: () => base.org ?? null,
  });
}
