/**
 * The generated org (activity.yaml `generated`), at random instants (fast-check): the invariants of
 * the living world hold (livingProperties.test.ts), the paged managed-jobs answer built from heads is
 * exactly `queryManagedJobs` over every job, the same t is the same bytes, big answers let the event
 * loop run, and the demo's fakes serve it on top of the fixture world.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { activityFile } from '../../src/living/activitySchema';
import { generatedClusterJobLog, generatedClusterJobs, generatedEvents, historyNumbers } from '../../src/living/generatedClusters';
import type { Org } from '../../src/living/generatedOrg';
import { orgClusterEvents, orgClusters, orgHistory, orgManagedJobLog, orgManagedJobs, orgOf } from '../../src/living/generatedQueries';
import { GENERATED_PRESETS, generatedSection } from '../../src/living/generatedSpec';
import { globalUserState } from '../../src/state/globalUserState';
import { queryManagedJobs } from '../../src/state/managedJobQuery';
import { managedJobsState } from '../../src/state/managedJobsState';
import type { ManagedJobQuery } from '../../src/state/records';
import { MANAGED_JOB_STATUSES } from '../../src/vocab/statuses';
import { copyFixtures, startDemoApp } from './demoApp';

const small = (seed = 17): Org => orgOf(generatedSection.parse({ preset: 'small' }), seed, ['default', 'ml-team']);
/** Instants from 2026-02-01 to 2027-06-01. */
const instant = fc.integer({ min: 1_769_904_000, max: 1_811_808_000 });
const RUNS = 30;

const MANAGED_EDGES: Record<string, string[]> = {
  PENDING: ['STARTING', 'CANCELLING'],
  STARTING: ['RUNNING', 'RECOVERING', 'CANCELLING', 'FAILED'],
  RUNNING: ['RECOVERING', 'SUCCEEDED', 'FAILED', 'CANCELLING'],
  RECOVERING: ['RUNNING', 'CANCELLING', 'FAILED'],
  CANCELLING: ['CANCELLED'],
};
const CLUSTER_JOB_EDGES: Record<string, string[]> = { PENDING: ['SETTING_UP'], SETTING_UP: ['RUNNING'], RUNNING: ['SUCCEEDED', 'FAILED'] };
const CLUSTER_EDGES: Record<string, string[]> = { INIT: ['UP', 'STOPPED'], UP: ['STOPPED', 'INIT'], STOPPED: ['INIT'] };

function reachable(edges: Record<string, string[]>, from: string, to: string): boolean {
  const seen = new Set([from]);
  const queue = [from];
  while (queue.length) for (const next of edges[queue.shift()!] ?? []) if (!seen.has(next) && seen.add(next)) queue.push(next);
  return seen.has(to);
}

/** Everything of the org a client reads at t: statuses by object, logs by job. */
async function snapshot(org: Org, t: number) {
  const clusters = await orgClusters(org, t, {}, 0);
  const jobs = (await orgManagedJobs(org, t, [], {})).jobs;
  const clusterJobs = clusters.flatMap((_c, i) => generatedClusterJobs(org, i, t));
  const statuses = new Map<string, string>([
    ...clusters.map((c): [string, string] => [`c:${c.name}`, c.status]),
    ...jobs.map((j): [string, string] => [`m:${j.jobId}`, j.status]),
    ...clusterJobs.map((j): [string, string] => [`j:${j.clusterName}/${j.jobId}`, j.status]),
  ]);
  const logs = new Map<string, string>([
    ...jobs.map((j): [string, string] => [`m:${j.jobId}`, orgManagedJobLog(org, t, j.jobId) ?? '']),
    ...clusterJobs.map((j): [string, string] => [
      `j:${j.clusterName}/${j.jobId}`,
      generatedClusterJobLog(org, Number(j.clusterName.slice(4)), j.jobId, t) ?? '',
    ]),
  ]);
  return { clusters, jobs, clusterJobs, statuses, logs };
}

describe('a generated org, at random instants', () => {
  it('keeps its counts, statuses, durations and logs consistent, and moves only along upstream state machines', async () => {
    const org = small();
    await fc.assert(
      fc.asyncProperty(instant, fc.integer({ min: 1, max: 6 * 3600 }), async (t, d) => {
        const now = await snapshot(org, t);
        // The preset's sizes: every cluster listed, every slot with one run in progress (and its last).
        expect(now.clusters).toHaveLength(GENERATED_PRESETS.small.clusters);
        expect(now.jobs.filter((j) => j.endAt === null)).toHaveLength(GENERATED_PRESETS.small.managed_jobs);
        for (const c of now.clusters.filter((c) => c.status === 'STOPPED')) {
          const busy = now.clusterJobs.filter((j) => j.clusterName === c.name && j.status !== 'SUCCEEDED' && j.status !== 'FAILED');
          expect([c.name, busy]).toEqual([c.name, []]);
        }
        for (const j of now.jobs) {
          if (j.status === 'RECOVERING') expect(j.recoveryCount).toBeGreaterThan(0);
          if (j.startAt !== null) expect(j.jobDuration).toBeLessThanOrEqual((j.endAt ?? t) - j.startAt);
        }
        const later = await snapshot(org, t + d);
        const edges = { c: CLUSTER_EDGES, m: MANAGED_EDGES, j: CLUSTER_JOB_EDGES } as const;
        for (const [key, before] of now.statuses) {
          const after = later.statuses.get(key);
          if (after === undefined || after === before) continue;
          expect([key, before, after, reachable(edges[key[0] as keyof typeof edges], before, after)]).toEqual([key, before, after, true]);
        }
        for (const [key, text] of now.logs) {
          const grown = later.logs.get(key);
          if (grown !== undefined) expect([key, grown.startsWith(text)]).toEqual([key, true]);
        }
        // Events: oldest first, never after t, each one ending where the next starts.
        const events = generatedEvents(org, 3, t);
        for (let i = 1; i < events.length; i++) {
          expect(events[i].transitionedAt).toBeGreaterThanOrEqual(events[i - 1].transitionedAt);
          expect(events[i].startingStatus).toBe(events[i - 1].endingStatus);
        }
        expect(events.at(-1)!.transitionedAt).toBeLessThanOrEqual(t);
        expect(events.at(-1)!.endingStatus).toBe(now.clusters.find((c) => c.name === 'gen-00003')!.status);
      }),
      { numRuns: 12 },
    );
  });

  it('pages managed jobs exactly as queryManagedJobs does over every job', async () => {
    const org = small();
    const query = fc.record(
      {
        statuses: fc.subarray([...MANAGED_JOB_STATUSES], { minLength: 1 }),
        nameMatch: fc.constantFrom('sft', 'eval', '000', 'zzz'),
        userMatch: fc.constantFrom('ana', 'ben.ng'),
        workspaces: fc.constantFrom<string[]>(['ml-team'], ['default']),
        skipFinished: fc.boolean(),
        page: fc.integer({ min: 1, max: 4 }),
        limit: fc.integer({ min: 1, max: 50 }),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(instant, query, async (t, q: ManagedJobQuery) => {
        const every = (await orgManagedJobs(org, t, [], {})).jobs;
        expect(await orgManagedJobs(org, t, [], q)).toEqual(queryManagedJobs(every, q));
        // By id, as `sky jobs logs <id>` asks.
        const id = every[t % every.length].jobId;
        expect((await orgManagedJobs(org, t, [], { jobIds: [id] })).jobs).toEqual([every[t % every.length]]);
      }),
      { numRuns: RUNS },
    );
  });

  it('answers the same t with the same bytes, from a fresh org', async () => {
    const t = 1_790_000_123;
    const a = await snapshot(small(), t);
    const b = await snapshot(orgOf(generatedSection.parse({ preset: 'small' }), 17, ['default', 'ml-team']), t);
    expect(JSON.stringify([a.clusters, a.jobs, [...a.logs]])).toBe(JSON.stringify([b.clusters, b.jobs, [...b.logs]]));
    expect(JSON.stringify((await snapshot(small(18), t)).jobs)).not.toBe(JSON.stringify(a.jobs));
  });
});

describe('the enterprise preset', () => {
  const org = orgOf(generatedSection.parse({ preset: 'enterprise' }), 17, ['default', 'ml-team']);
  const t = 1_795_000_000;

  it('has upstream production sizes, and answers a page without holding the event loop', async () => {
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    try {
      const page = await orgManagedJobs(org, t, [], { page: 1, limit: 50 });
      expect(page.jobs).toHaveLength(50);
      expect(page.total).toBe(25_000); // 12,500 in progress, each with its previous run
      expect(
        Object.entries(page.statusCounts)
          .filter(([s]) => !['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(s))
          .reduce((n, [, c]) => n + c!, 0),
      ).toBe(12_500);
      expect(await orgClusters(org, t, {}, 0)).toHaveLength(1_500);
      const { from, to } = historyNumbers(org, t, null);
      expect(to - from + 1).toBe(220_000);
      expect((await orgClusterEvents(org, t, 'gen-00042'))!.length * 1_500).toBeGreaterThanOrEqual(289_000);
    } finally {
      clearInterval(ticker);
    }
    // The work was sliced: timers ran many times while it was under way.
    expect(turns).toBeGreaterThan(20);
  }, 60_000);

  it('finds a torn-down cluster by name and the days window by arithmetic', async () => {
    const week = await orgHistory(org, t, { days: 7 });
    expect(week.length).toBeGreaterThan(1_500 + 4_000);
    expect(week.length).toBeLessThan(1_500 + 4_500);
    const one = week[2_000];
    expect(await orgHistory(org, t, { clusterNames: [one.name] })).toEqual([one]);
  });
});

describe('the generated section in the demo', () => {
  it('is off by default, validated, and served by the fakes after the fixture world', async () => {
    expect(activityFile.parse({ seed: 1 }).generated).toBeUndefined();
    expect(() => generatedSection.parse({ preset: 'huge' })).toThrow(/enterprise/);
    expect(generatedSection.parse({ preset: 'small', clusters: 3 }).clusters).toBe(3);

    const dir = copyFixtures();
    fs.appendFileSync(path.join(dir, 'activity.yaml'), '\ngenerated:\n  preset: small\n  managed_jobs: 40\n');
    process.env.SKYPILOT_NOW = '2026-11-22T12:00:00Z';
    const demo = await startDemoApp({ fixturesDir: dir });
    try {
      const gus = globalUserState;
      const mjs = managedJobsState;
      const clusters = await gus.getClusters();
      expect(clusters.filter((c) => c.name.startsWith('gen-'))).toHaveLength(GENERATED_PRESETS.small.clusters);
      expect(clusters.filter((c) => !c.name.startsWith('gen-')).length).toBeGreaterThan(0);
      const page = await mjs.getJobs({ page: 1, limit: 10 });
      expect(page.jobs).toHaveLength(10);
      const fixtureJobs = new Set((await mjs.getJobs({})).jobs.filter((j) => j.jobId < 1_000_000_000).map((j) => j.jobId));
      expect(fixtureJobs.size).toBeGreaterThan(0);
      expect(page.total).toBe(80 + fixtureJobs.size);
      expect(page.jobs[0].jobId).toBeGreaterThanOrEqual(1_000_000_000);
      expect(await mjs.getJobLog(page.jobs[0].jobId)).not.toBeNull();
      expect((await gus.getAllUsers()).length).toBeGreaterThan(GENERATED_PRESETS.small.users);
      expect((await gus.getClusterEvents('gen-00001')).length).toBeGreaterThan(0);
      expect(await gus.getClusterJobs('gen-00001')).toEqual(expect.any(Array));
    } finally {
      await demo.close();
      delete process.env.SKYPILOT_NOW;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
