/**
 * Every time and date of the demo comes from the world clock, whatever fraction of a second the
 * world is built at: a time written `45m ago` is exactly 2700 s before the world's whole-second now
 * (so no duration comes out a second short), and a date written into a fixture's job log (Jupyter's
 * `[I 2026-01-01 10:00:00 ServerApp]`) is moved to its job's start, as the official CLI's `sky logs`
 * prints it.
 */
import dayjs from 'dayjs';
import { resolveAgo } from '../../src/living/worldClock';
import { loadFixtures } from '../../src/demo/fixtureLoader';
import { redateJobLog } from '../../src/living/jobLogDates';
import { buildWorld } from '../../src/demo/world';
import { globalUserState } from '../../src/state/globalUserState';
import { type DemoApp, FIXTURES_DIR, PINNED_NOW, startDemoApp } from './demoApp';

const WHOLE = Date.parse(PINNED_NOW) / 1000;
const FRACTIONS = [0, 0.001, 0.3, 0.5, 0.7, 0.999];
const STAMP = /\b\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d\b/g;
const epochOf = (stamp: string) => Date.parse(`${stamp.replace(' ', 'T')}Z`) / 1000;

describe('relative times from the whole second of now', () => {
  it.each(FRACTIONS)('at now + %s s, every `ago` is its exact offset before the whole second', (fraction) => {
    const now = dayjs((WHOLE + fraction) * 1000);
    expect(
      [
        ['45m ago', 2700],
        ['2h ago', 7200],
        ['1d 4h ago', 100_800],
        ['6d ago', 518_400],
      ].map(([text, seconds]) => WHOLE - resolveAgo(text as string, now) - (seconds as number)),
    ).toEqual([0, 0, 0, 0]);
  });

  const source = loadFixtures(FIXTURES_DIR);
  it.each(FRACTIONS)('a world built at now + %s s has the same times as one built on the whole second', (fraction) => {
    const onTheSecond = buildWorld(source, dayjs(WHOLE * 1000), source.contentHash);
    const within = buildWorld(source, dayjs((WHOLE + fraction) * 1000), source.contentHash);
    const times = (w: typeof within) => [
      w.clusters.map((c) => [c.name, c.launchedAt]),
      w.clusterJobs.map((j) => [j.clusterName, j.jobId, j.submittedAt, j.startAt, j.endAt]),
      w.managedJobs.map((j) => [j.jobId, j.submittedAt, j.startAt, j.endAt]),
    ];
    expect(times(within)).toEqual(times(onTheSecond));
    // A live job's duration as the server measures it (now - start) is whole and never short.
    const training = within.clusters.find((c) => c.name === 'training-multinode-1');
    expect(WHOLE - (training?.launchedAt ?? 0)).toBe(5 * 3600);
  });

  it('dates every written job log from the world clock: each stamp between its job start and now', () => {
    const world = buildWorld(source, dayjs((WHOLE + 0.7) * 1000), source.contentHash);
    const checked: string[] = [];
    for (const job of world.clusterJobs) {
      const log = world.clusterJobLogs.get(`${job.clusterName}/${job.jobId}`) ?? '';
      for (const stamp of log.match(STAMP) ?? []) {
        checked.push(`${job.clusterName}/${job.jobId} ${stamp}`);
        expect([job.clusterName, epochOf(stamp) >= (job.startAt ?? job.submittedAt), epochOf(stamp) <= WHOLE]).toEqual([
          job.clusterName,
          true,
          true,
        ]);
      }
    }
    expect(checked.length).toBeGreaterThan(0);
  });
});

describe('redateJobLog', () => {
  const START = Date.parse('2026-11-16T12:00:00Z') / 1000;
  it.each([
    [
      '[I 2026-01-01 10:00:00 App] up\n[I 2026-01-01 10:05:30 App] done',
      '[I 2026-11-16 12:00:00 App] up\n[I 2026-11-16 12:05:30 App] done',
    ],
    ['2025-12-31T23:59:00 a\n2026-01-01T00:01:00 b', '2026-11-16T12:00:00 a\n2026-11-16T12:02:00 b'],
    ['no dates at all: step 1-2, v2.14.2', 'no dates at all: step 1-2, v2.14.2'],
    ['2026-13-45 99:00:00 is no date', '2026-13-45 99:00:00 is no date'],
  ])('%j -> %j', (text, expected) => {
    expect(redateJobLog(text, START)).toBe(expected);
  });
});

describe("the Jupyter job's log, as the demo serves it (a stopped cluster's job: `sky logs` is refused, the dashboard's job page reads it)", () => {
  let demo: DemoApp;
  beforeAll(async () => {
    process.env.SKYPILOT_NOW = '2026-11-22T12:00:00.700Z';
    demo = await startDemoApp();
  });
  afterAll(async () => {
    await demo.close();
    delete process.env.SKYPILOT_NOW;
  });

  it('shows the job start date (6 days before now), never the fixture author’s day', async () => {
    const log = (await globalUserState.getClusterJobLog('dev-cluster-alice', 1)) ?? '';
    expect(log).toContain('Jupyter Server');
    expect(log).not.toContain('2026-01-01');
    expect(log.match(STAMP)).toEqual(['2026-11-16 12:00:00', '2026-11-16 12:00:00']);
  });
});
