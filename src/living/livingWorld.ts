/**
 * The living part of the world at instant `t`: every stream's runs that are under way or recently
 * finished, read at `t`. A pure function of (activity, texts, t): nothing is stored or scheduled, so
 * the same `t` gives the same bytes on every replica and every restart.
 */
import type { ClusterEvent, ClusterJob, ManagedJob } from '../state/records';
import { Resources } from '../state/resources';
import { cloudRegistry } from '../state/clouds';
import type { Activity, ClusterStream } from './activitySchema';
import type { ClusterSpec } from './clusterRecord';
import { type ClusterRun, longestClusterJobRun, longestClusterRun, planClusterJobRun, planClusterRun } from './clusterRuns';
import { longestManagedRun, type ManagedRun, planManagedRun } from './managedRun';
import { provisionLog } from './provisionLog';
import type { LogPlan } from './runLog';
import { type Step, slotsUpTo, stepAt } from './slots';

/** Managed-job ids of the living world start above every fixture id. */
const LIVING_ID_BASE = 1000;

export interface LivingInput {
  activity: Activity;
  texts: Record<string, string>;
  /** The highest fixture job id per cluster, so a stream's ids follow them. */
  lastClusterJobId: Map<string, number>;
  idOf: (user: string) => string;
}

export interface TerminatedCluster {
  spec: ClusterSpec;
  terminatedAt: number;
}

export interface LivingWorld {
  managedJobs: ManagedJob[];
  managedJobLogs: Map<number, LogPlan>;
  clusterJobs: ClusterJob[];
  clusterJobLogs: Map<string, LogPlan>;
  /** Launched clusters, each with its place for addresses (fixed per run, not per listing). */
  clusters: { spec: ClusterSpec; place: number }[];
  terminated: TerminatedCluster[];
  clusterEvents: Map<string, ClusterEvent[]>;
  provisionLogs: Map<string, string>;
}

function lines(text: string | undefined): string[] {
  return (text ?? '').split('\n').filter((l) => l.length > 0);
}

/** The newest runs to list: all under way at `t`, and the newest `keep` finished. */
function listed<R extends { submittedAt: number; endAt: number }>(runs: R[], t: number, keep: number): R[] {
  let finished = 0;
  return runs.filter((r) => {
    if (r.submittedAt > t) return false;
    if (t < r.endAt) return true;
    return finished++ < keep;
  });
}

function slotsFor(activity: Activity, stream: { every: number; offset: number; keep: number }, longest: number, t: number) {
  return slotsUpTo(activity, stream, t, stream.keep + Math.ceil(longest / stream.every) + 2);
}

function managedRecord(input: LivingInput, stream: Activity['managed_jobs'][number], run: ManagedRun, t: number): ManagedJob {
  const step = stepAt(run.steps, t)!;
  const done = step.at === run.endAt && t >= run.endAt;
  const recovered = run.steps.filter((s) => s.status === 'RECOVERING' && s.at <= t).length;
  const lastRecovered = [...run.steps].reverse().find((s) => s.status === 'RUNNING' && s.at <= t);
  const started = t >= run.runStart;
  // Running time only: provisioning and recovery are not counted, as upstream's job_duration.
  const runningSeconds = run.log.running.reduce((sum, [a, b]) => sum + Math.max(0, Math.min(t, b) - a), 0);
  return {
    jobId: run.id,
    taskId: 0,
    name: stream.name,
    taskName: stream.name,
    userHash: input.idOf(run.user),
    userName: run.user,
    workspace: stream.workspace,
    entrypoint: `sky jobs launch -n ${stream.name} ${stream.task.split('/').pop()}`,
    userYaml: input.texts[stream.task] ?? null,
    status: step.status,
    scheduleState: done ? 'DONE' : step.status === 'PENDING' ? 'WAITING' : 'ALIVE',
    submittedAt: run.submittedAt,
    startAt: started ? run.runStart : null,
    endAt: done ? run.endAt : null,
    lastRecoveredAt: lastRecovered?.at ?? -1,
    recoveryCount: recovered,
    jobDuration: runningSeconds,
    failureReason: done && step.status === 'FAILED' ? run.failureReason : null,
    resources: stream.resources,
    numNodes: stream.nodes,
    launchedResources:
      step.status === 'PENDING'
        ? null
        : new Resources({ cloud: cloudRegistry.fromName(stream.cloud), instanceType: stream.instance_type, region: stream.region ?? null }),
    priority: 0,
    pool: null,
    currentClusterName: step.status !== 'PENDING' && !done ? `${stream.name}-${run.id}` : null,
  };
}

function clusterJobRecord(
  input: LivingInput,
  cluster: string,
  jobId: number,
  name: string,
  resources: string,
  run: { user: string; submittedAt: number; runStart: number; endAt: number; steps: Step<ClusterJob['status']>[] },
  t: number,
): ClusterJob {
  const step = stepAt(run.steps, t)!;
  return {
    clusterName: cluster,
    jobId,
    jobName: name,
    userHash: input.idOf(run.user),
    userName: run.user,
    submittedAt: run.submittedAt,
    startAt: t >= run.runStart ? run.runStart : null,
    endAt: t >= run.endAt ? run.endAt : null,
    resources,
    status: step.status,
    logPath: `~/sky_logs/${cluster}/${jobId}/run.log`,
    metadata: {},
  };
}

function clusterSpec(input: LivingInput, stream: ClusterStream, run: ClusterRun, t: number): ClusterSpec {
  const step = stepAt(run.steps, t)!;
  return {
    name: run.name,
    user: run.user,
    userHash: input.idOf(run.user),
    workspace: stream.workspace,
    status: step.status,
    launchedAt: run.launchedAt,
    statusUpdatedAt: step.at,
    lastEvent: step.reason,
    cloud: stream.cloud,
    region: stream.region,
    zone: stream.zone,
    instance_type: stream.instance_type,
    nodes: stream.nodes,
    autostop: stream.idle_minutes,
    autostop_down: stream.down,
    yaml: input.texts[stream.task] ?? null,
    command: `sky launch -c ${run.name} ${stream.task.split('/').pop()} -i ${stream.idle_minutes}${stream.down ? ' --down' : ''}`,
    provisionLogPath: `~/sky_logs/${run.name}/provision.log`,
  };
}

function events(
  name: string,
  hash: string,
  steps: readonly Step<ClusterSpec['status']>[],
  t: number,
  extra?: ClusterEvent,
): ClusterEvent[] {
  const shown = steps.filter((s) => s.at <= t);
  const out: ClusterEvent[] = shown.map((s, i) => ({
    clusterHash: hash,
    name,
    startingStatus: i === 0 ? null : shown[i - 1].status,
    endingStatus: s.status,
    reason: s.reason,
    transitionedAt: s.at,
    type: 'STATUS_CHANGE' as const,
  }));
  return extra ? [...out, extra] : out;
}

/**
 * How many runs of `streams` began before the run of stream `index` at `at` (ties: earlier streams
 * first). Ids made from it grow in the order runs begin, across streams sharing an id space (all
 * managed jobs; the jobs of one cluster), as a real server's do, with no stored counter.
 */
function runsBefore(epoch: number, streams: readonly { every: number; offset: number }[], index: number, at: number): number {
  let before = 0;
  streams.forEach((other, j) => {
    const origin = epoch + other.offset;
    if (at < origin) return;
    const startedUpTo = Math.floor((at - origin) / other.every) + 1; // slots beginning at or before `at`
    const tie = (at - origin) % other.every === 0 && j >= index ? 1 : 0;
    before += startedUpTo - tie;
  });
  return before;
}

export function livingWorldAt(input: LivingInput, t: number, hashOf: (name: string) => string): LivingWorld {
  const { activity, texts } = input;
  const world: LivingWorld = {
    managedJobs: [],
    managedJobLogs: new Map(),
    clusterJobs: [],
    clusterJobLogs: new Map(),
    clusters: [],
    terminated: [],
    clusterEvents: new Map(),
    provisionLogs: new Map(),
  };
  activity.managed_jobs.forEach((stream, s) => {
    const template = lines(texts[stream.log]);
    const runs = slotsFor(activity, stream, longestManagedRun(stream), t).map((slot) =>
      planManagedRun(activity.seed, stream, slot, LIVING_ID_BASE + runsBefore(activity.epoch, activity.managed_jobs, s, slot.at), template),
    );
    for (const run of listed(runs, t, stream.keep)) {
      world.managedJobs.push(managedRecord(input, stream, run, t));
      world.managedJobLogs.set(run.id, run.log);
    }
  });
  for (const stream of activity.cluster_jobs) {
    const template = lines(texts[stream.log]);
    const base = input.lastClusterJobId.get(stream.cluster) ?? 0;
    const sameCluster = activity.cluster_jobs.filter((s) => s.cluster === stream.cluster);
    const index = sameCluster.indexOf(stream);
    const runs = slotsFor(activity, stream, longestClusterJobRun(stream), t).map((slot) => ({
      id: base + 1 + runsBefore(activity.epoch, sameCluster, index, slot.at),
      ...planClusterJobRun(activity.seed, stream, slot, template),
    }));
    for (const run of listed(runs, t, stream.keep)) {
      world.clusterJobs.push(clusterJobRecord(input, stream.cluster, run.id, stream.name, stream.resources, run, t));
      world.clusterJobLogs.set(`${stream.cluster}/${run.id}`, run.log);
    }
  }
  for (const stream of activity.clusters) {
    const template = lines(texts[stream.log]);
    const runs = slotsFor(activity, { ...stream, keep: stream.keep_history }, longestClusterRun(stream), t)
      .map((slot) => planClusterRun(activity.seed, stream, slot, template))
      .map((run) => ({ ...run, submittedAt: run.launchedAt, endAt: run.stopAt }));
    for (const run of listed(runs, t, stream.keep_history)) {
      const spec = clusterSpec(input, stream, run, t);
      const hash = hashOf(run.name);
      const gone = stream.down && t >= run.stopAt;
      if (gone) {
        world.terminated.push({ spec: { ...spec, status: 'UP' }, terminatedAt: run.stopAt });
        continue;
      }
      world.clusters.push({ spec, place: run.k });
      world.clusterEvents.set(run.name, events(run.name, hash, run.steps, t));
      world.provisionLogs.set(
        run.name,
        provisionLog(
          {
            name: run.name,
            nameOnCloud: `${run.name}-${spec.userHash.slice(0, 4)}`,
            cloud: stream.cloud,
            region: stream.region ?? null,
            instanceType: stream.instance_type,
            nodes: stream.nodes,
            headIp: '10.0.0.2',
          },
          { why: 'launch', at: run.launchedAt, seconds: run.provisionSeconds },
          t,
          null,
        ),
      );
      if (t >= run.upAt) {
        world.clusterJobs.push(clusterJobRecord(input, run.name, 1, stream.name, stream.resources, run.job, t));
        world.clusterJobLogs.set(`${run.name}/1`, run.job.log);
      }
    }
  }
  return world;
}
