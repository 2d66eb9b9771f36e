/**
 * Properties of the living world at every instant, over many random t (fast-check), on the default
 * world and on generated activity: what is derived agrees with what runs, statuses only move along
 * upstream's state machines, logs only grow, and the same t is the same bytes.
 */
import dayjs from 'dayjs';
import fc from 'fast-check';
import { activityFile } from '../../src/living/activitySchema';
import { loadFixtures } from '../../src/demo/fixtureLoader';
import type { Fixtures } from '../../src/demo/fixtureSchema';
import { buildWorld, type World } from '../../src/demo/world';
import { KubernetesInstanceType } from '../../src/state/kubernetesInstanceType';
import { FIXTURES_DIR } from './demoApp';

const DEFAULT = loadFixtures(FIXTURES_DIR);
const undated = (log: string) => log.replace(/\b\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d\b/g, '<date>');
const worldAt = (f: Fixtures, t: number): World => buildWorld(f, dayjs.unix(t), f.contentHash);

/** Instants from 2026-02-01 to 2027-06-01. */
const instant = fc.integer({ min: 1_769_904_000, max: 1_811_808_000 });
const RUNS = 25;

/** Upstream's transitions, one step: sky/jobs/state.py, sky/skylet/job_lib.py, sky/utils/status_lib.py. */
const MANAGED_EDGES: Record<string, string[]> = {
  PENDING: ['SUBMITTED', 'STARTING', 'CANCELLING', 'CANCELLED', 'FAILED_PRECHECKS', 'FAILED_NO_RESOURCE', 'FAILED_CONTROLLER'],
  SUBMITTED: ['STARTING', 'CANCELLING', 'CANCELLED', 'FAILED_CONTROLLER'],
  STARTING: ['RUNNING', 'RECOVERING', 'CANCELLING', 'FAILED', 'FAILED_SETUP', 'FAILED_NO_RESOURCE', 'FAILED_CONTROLLER'],
  RUNNING: ['RECOVERING', 'SUCCEEDED', 'FAILED', 'FAILED_SETUP', 'CANCELLING', 'FAILED_CONTROLLER'],
  RECOVERING: ['RUNNING', 'CANCELLING', 'FAILED', 'FAILED_NO_RESOURCE', 'FAILED_CONTROLLER'],
  CANCELLING: ['CANCELLED'],
};
const CLUSTER_JOB_EDGES: Record<string, string[]> = {
  INIT: ['PENDING', 'CANCELLED', 'FAILED_DRIVER'],
  PENDING: ['SETTING_UP', 'CANCELLED', 'FAILED_DRIVER'],
  SETTING_UP: ['RUNNING', 'FAILED_SETUP', 'CANCELLED', 'FAILED_DRIVER'],
  RUNNING: ['SUCCEEDED', 'FAILED', 'CANCELLED', 'FAILED_DRIVER'],
};
const CLUSTER_EDGES: Record<string, string[]> = { INIT: ['UP', 'STOPPED'], UP: ['STOPPED', 'INIT'], STOPPED: ['INIT'] };

function reachable(edges: Record<string, string[]>, from: string, to: string): boolean {
  const seen = new Set([from]);
  const queue = [from];
  while (queue.length) {
    for (const next of edges[queue.shift()!] ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(next);
    }
  }
  return seen.has(to);
}

/** A world's statuses by object: `m:<id>`, `j:<cluster>/<id>`, `c:<name>`. */
function statuses(w: World): Map<string, string> {
  return new Map([
    ...w.managedJobs.map((j): [string, string] => [`m:${j.jobId}`, j.status]),
    ...w.clusterJobs.map((j): [string, string] => [`j:${j.clusterName}/${j.jobId}`, j.status]),
    ...w.clusters.map((c): [string, string] => [`c:${c.name}`, c.status]),
  ]);
}

const EDGES = { m: MANAGED_EDGES, j: CLUSTER_JOB_EDGES, c: CLUSTER_EDGES } as const;

/** GPUs asked per context by what holds them (clusters INIT/UP, managed jobs with a cluster). */
function gpusAsked(w: World): Map<string, number> {
  const asked = new Map<string, number>();
  const add = (cloud: string | undefined, region: string | null, type: string | null, nodes: number) => {
    if (cloud !== 'Kubernetes' || !region || !type) return;
    const it = KubernetesInstanceType.parse(type);
    asked.set(region, (asked.get(region) ?? 0) + it.acceleratorCount * nodes);
  };
  for (const c of w.clusters.filter((c) => c.status === 'INIT' || c.status === 'UP')) {
    const r = c.handle.launchedResources;
    add(r.cloud?.name, r.region, r.instanceType, c.handle.launchedNodes);
  }
  for (const j of w.managedJobs.filter((j) => ['STARTING', 'RUNNING', 'RECOVERING', 'CANCELLING'].includes(j.status))) {
    const r = j.launchedResources;
    if (r) add(r.cloud?.name, r.region, r.instanceType, j.numNodes);
  }
  return asked;
}

function checkInvariants(f: Fixtures, t: number, later: number): void {
  const w = worldAt(f, t);
  // GPUs in use on a context = the sum over what holds GPUs there.
  const asked = gpusAsked(w);
  for (const [context, nodes] of Object.entries(w.kubernetesNodes)) {
    const used = nodes.reduce((sum, n) => sum + n.total.accelerator_count - n.free.accelerators_available, 0);
    expect([context, used]).toEqual([context, asked.get(context) ?? 0]);
  }
  // A STOPPED cluster runs nothing.
  for (const c of w.clusters.filter((c) => c.status === 'STOPPED')) {
    const live = w.clusterJobs.filter((j) => j.clusterName === c.name && ['RUNNING', 'SETTING_UP', 'PENDING'].includes(j.status));
    expect([c.name, live]).toEqual([c.name, []]);
  }
  // Recovery counts agree with the status story; durations never exceed the time since start.
  for (const j of w.managedJobs) {
    if (j.status === 'RECOVERING') expect(j.recoveryCount).toBeGreaterThan(0);
    if (j.startAt !== null) expect(j.jobDuration).toBeLessThanOrEqual((j.endAt ?? t) - j.startAt);
  }
  // Later: every status moved only along upstream's machine, and no log shrank.
  const w2 = worldAt(f, later);
  const after = statuses(w2);
  for (const [key, before] of statuses(w)) {
    const now = after.get(key);
    if (now === undefined || now === before) continue;
    const edges = EDGES[key[0] as keyof typeof EDGES];
    expect([key, before, now, reachable(edges, before, now)]).toEqual([key, before, now, true]);
  }
  for (const [logs, logs2] of [
    [w.managedJobLogs, w2.managedJobLogs],
    [w.clusterJobLogs, w2.clusterJobLogs],
  ] as [Map<unknown, string>, Map<unknown, string>][]) {
    for (const [key, text] of logs) {
      const grown = logs2.get(key);
      // A date a fixture wrote in its log is its job's start, which is relative to now like every
      // fixture time, so it moves with now: compared without the dates.
      if (grown !== undefined) expect([key, undated(grown).startsWith(undated(text))]).toEqual([key, true]);
    }
  }
}

/** Everything a client can read, as bytes. */
function bytes(w: World): string {
  return JSON.stringify([
    w.clusters,
    w.clusterJobs,
    w.managedJobs,
    w.history,
    [...w.managedJobLogs],
    [...w.clusterJobLogs],
    w.kubernetesNodes,
    [...w.clusterEvents],
    [...w.provisionLogs],
  ]);
}

describe('the default living world, at random instants', () => {
  it('keeps derived counts, statuses and logs consistent', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 7200 }), (t, d) => checkInvariants(DEFAULT, t, t + d)),
      { numRuns: RUNS },
    );
  });

  it('moves one step at a time: a second later a status is unchanged or one edge on', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 3 }), (t, d) => {
        const after = statuses(worldAt(DEFAULT, t + d));
        for (const [key, before] of statuses(worldAt(DEFAULT, t))) {
          const now = after.get(key);
          if (now === undefined || now === before) continue;
          expect([key, before, now, (EDGES[key[0] as 'm'][before] ?? []).includes(now)]).toEqual([key, before, now, true]);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('answers the same t with the same bytes', () => {
    fc.assert(
      fc.property(instant, (t) => expect(bytes(worldAt(DEFAULT, t))).toBe(bytes(worldAt(DEFAULT, t)))),
      { numRuns: 10 },
    );
  });

  it('is visibly alive: a status changes within any 10 minutes, a running job prints within any 5 s', () => {
    fc.assert(
      fc.property(instant, (t) => {
        const [a, b] = [statuses(worldAt(DEFAULT, t)), statuses(worldAt(DEFAULT, t + 600))];
        expect([...a].some(([k, s]) => b.get(k) !== s) || [...b.keys()].some((k) => !a.has(k))).toBe(true);
        const [w, w5] = [worldAt(DEFAULT, t), worldAt(DEFAULT, t + 5)];
        const printing = [
          ...w.managedJobs
            .filter((j) => j.status === 'RUNNING')
            .map((j) => [w.managedJobLogs.get(j.jobId), w5.managedJobLogs.get(j.jobId)]),
          ...w.clusterJobs
            .filter((j) => j.status === 'RUNNING')
            .map((j) => [w.clusterJobLogs.get(`${j.clusterName}/${j.jobId}`), w5.clusterJobLogs.get(`${j.clusterName}/${j.jobId}`)]),
        ].filter(([x, y]) => x !== undefined && y !== undefined && y.length > x.length);
        expect(printing.length).toBeGreaterThan(0);
      }),
      { numRuns: RUNS },
    );
  });

  it('keeps a cluster terminated within the last day in the history, at any instant', () => {
    const any = fc.integer({ min: 1_700_000_000, max: 1_811_808_000 }); // before activity.yaml's epoch too
    fc.assert(
      fc.property(any, (t) => {
        const w = worldAt(DEFAULT, t);
        expect(
          w.history.some((h) => h.status === null && h.usageIntervals.some(([, end]) => end !== null && end >= t - 86400 && end <= t)),
        ).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('repeats after a cycle, with no cliff at the wrap', () => {
    const cycle = DEFAULT.activity!.cycle;
    const living = (w: World) =>
      w.managedJobs
        .filter((j) => j.jobId >= 1000)
        .map((j) => `${j.name}:${j.status}:${j.submittedAt % cycle}`)
        .sort();
    fc.assert(
      fc.property(instant, (t) => expect(living(worldAt(DEFAULT, t + cycle))).toEqual(living(worldAt(DEFAULT, t)))),
      { numRuns: 10 },
    );
    // Across a wrap, a second apart, the listing changes by at most a step or two, like any second.
    const wrap = DEFAULT.activity!.epoch + 200 * cycle;
    const [before, after] = [statuses(worldAt(DEFAULT, wrap - 1)), statuses(worldAt(DEFAULT, wrap))];
    const changed = [...before].filter(([k, s]) => after.get(k) !== s).length + [...after.keys()].filter((k) => !before.has(k)).length;
    expect(changed).toBeLessThanOrEqual(3);
  });
});

/** Activity streams generated by fast-check: random cadences, durations and outcomes. */
const USERS = ['alice@skypilot.co', 'bob@skypilot.co', 'mike@skypilot.co'];
const minutes = (lo: number, hi: number) => fc.integer({ min: lo, max: hi }).map((m) => `${m}m`);
const every = fc.constantFrom('10m', '15m', '20m', '30m', '1h', '2h');
const span = (lo: number, hi: number) =>
  fc.tuple(minutes(lo, hi), minutes(lo, hi)).map(([a, b]) => (Number.parseInt(a, 10) <= Number.parseInt(b, 10) ? [a, b] : [b, a]));
const outcomes = fc.record({
  SUCCEEDED: fc.integer({ min: 1, max: 5 }),
  FAILED: fc.integer({ min: 0, max: 3 }),
  CANCELLED: fc.integer({ min: 0, max: 3 }),
});
const generatedActivity = fc
  .record({
    seed: fc.integer({ min: 0, max: 1_000_000 }),
    managed: fc.array(
      fc.record({
        every,
        running: span(1, 40),
        pending: span(0, 3),
        preemption: fc.double({ min: 0, max: 1, noNaN: true }),
        outcomes,
        gpu: fc.boolean(),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    jobs: fc.array(fc.record({ every, running: span(1, 30), outcomes }), { maxLength: 2 }),
    clusters: fc.array(
      fc.record({ every: fc.constantFrom('1h', '2h', '3h'), busy: span(1, 30), down: fc.boolean(), idle: fc.integer({ min: 1, max: 20 }) }),
      { maxLength: 2 },
    ),
  })
  .map((g) =>
    activityFile.parse({
      seed: g.seed,
      managed_jobs: g.managed.map((m, i) => ({
        name: `gen-${i}`,
        users: USERS,
        workspace: 'default',
        every: m.every,
        keep: 3,
        resources: m.gpu ? '1x[H100:1]' : '1x[CPU:4]',
        cloud: m.gpu ? 'Kubernetes' : 'AWS',
        region: m.gpu ? 'lambda-k8s-ctx' : 'us-east-1',
        instance_type: m.gpu ? '8CPU--32GB--H100:1' : 'm6i.2xlarge',
        task: 'tasks/dev.yaml',
        log: 'logs/live/data-pipeline.log',
        line_seconds: 3,
        pending: m.pending,
        starting: ['1m', '2m'],
        running: m.running,
        preemption: m.preemption,
        outcomes: m.outcomes,
      })),
      cluster_jobs: g.jobs.map((j, i) => ({
        name: `gen-job-${i}`,
        cluster: 'inference-cluster',
        users: USERS,
        every: j.every,
        resources: '1x[CPU:1]',
        log: 'logs/live/load-test.log',
        pending: ['0m', '1m'],
        setup: ['0m', '1m'],
        running: j.running,
        outcomes: j.outcomes,
      })),
      clusters: g.clusters.map((c, i) => ({
        name: `gen-cluster-${i}`,
        users: USERS,
        workspace: 'default',
        every: c.every,
        resources: '1x[L40S:1]',
        cloud: 'Kubernetes',
        region: 'nebius-mk8s-ctx',
        instance_type: '8CPU--32GB--L40S:1',
        task: 'tasks/dev.yaml',
        log: 'logs/live/ci-gpu.log',
        provision: ['1m', '3m'],
        busy: c.busy,
        idle_minutes: c.idle,
        down: c.down,
      })),
    }),
  );

describe('generated living worlds, at random instants', () => {
  it('keep derived counts, statuses and logs consistent, and the same t is the same bytes', () => {
    fc.assert(
      fc.property(generatedActivity, instant, fc.integer({ min: 1, max: 7200 }), (activity, t, d) => {
        const f: Fixtures = { ...DEFAULT, activity, contentHash: 'generated' };
        checkInvariants(f, t, t + d);
        expect(bytes(worldAt(f, t))).toBe(bytes(worldAt(f, t)));
      }),
      { numRuns: RUNS },
    );
  });
});
