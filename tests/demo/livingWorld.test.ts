/**
 * The living world over HTTP: the world at instant t is a function of (fixtures, seed, t). Two
 * servers pinned 30 minutes apart show different statuses and a RUNNING job's log grows; two fresh
 * servers pinned at the same t answer byte for byte alike; /api/health names the world it served.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { roundTrip } from '../helpers/api';
import { pinnedNowError } from '../../src/living/worldClock';
import { installDemo } from '../../src/demo/installDemo';
import { type DemoApp, startDemoApp } from './demoApp';

const T1 = '2026-11-22T12:00:00Z';
const T2 = '2026-11-22T12:30:00Z';

interface Answers {
  clusters: { name: string; status: string }[];
  clustersText: string;
  jobs: { job_id: number; status: string }[];
  jobsText: string;
  logs: Map<string, string>;
  health: { world: { fixtures: string; seed: number; t: number } };
}

/** A fresh demo server pinned at `at`: its /status, /jobs/queue/v2, cluster logs and health. */
async function serveAt(at: string): Promise<Answers> {
  const saved = process.env.SKYPILOT_NOW;
  process.env.SKYPILOT_NOW = at;
  let demo: DemoApp | null = null;
  try {
    demo = await startDemoApp();
    const status = await roundTrip(demo.app, '/status', { body: { all_users: true } });
    const queue = await roundTrip(demo.app, '/jobs/queue/v2', { body: { all_users: true, skip_finished: false } });
    const logs = new Map<string, string>();
    for (const cluster of ['inference-cluster', 'training-multinode-1']) {
      const jobs = await roundTrip<{ job_id: number }[]>(demo.app, '/queue', { body: { cluster_name: cluster, all_users: true } });
      for (const { job_id } of jobs.value) {
        const res = await request(demo.app).post('/logs').send({ cluster_name: cluster, job_id, follow: false });
        logs.set(`${cluster}/${job_id}`, res.text);
      }
    }
    const health = await request(demo.app).get('/api/health');
    return {
      clusters: JSON.parse(status.payload.return_value as string),
      clustersText: status.payload.return_value as string,
      jobs: JSON.parse(queue.payload.return_value as string).jobs,
      jobsText: queue.payload.return_value as string,
      logs,
      health: health.body,
    };
  } finally {
    await demo?.close();
    if (saved === undefined) delete process.env.SKYPILOT_NOW;
    else process.env.SKYPILOT_NOW = saved;
  }
}

describe('the living world over HTTP', () => {
  let early: Answers;
  let late: Answers;
  beforeAll(async () => {
    early = await serveAt(T1);
    late = await serveAt(T2);
  });

  it('moves: statuses differ 30 minutes apart and a running job printed more', async () => {
    const statuses = (a: Answers) => [...a.clusters.map((c) => `${c.name}:${c.status}`), ...a.jobs.map((j) => `${j.job_id}:${j.status}`)];
    expect(statuses(late)).not.toEqual(statuses(early));
    const grown = [...early.logs].filter(([key, text]) => (late.logs.get(key)?.split('\n').length ?? 0) > text.split('\n').length);
    expect(grown.length).toBeGreaterThan(0);
  });

  it('answers the same t with the same bytes from two fresh servers', async () => {
    const again = await serveAt(T1);
    expect(again.clustersText).toBe(early.clustersText);
    expect(again.jobsText).toBe(early.jobsText);
    expect([...again.logs]).toEqual([...early.logs]);
    expect(early.logs.size).toBeGreaterThan(3);
  });

  it('reports the world it served in /api/health', () => {
    expect(early.health.world).toEqual({ fixtures: expect.stringMatching(/^[0-9a-f]{16}$/), seed: 17, t: Date.parse(T1) / 1000 });
    expect(late.health.world.t).toBe(Date.parse(T2) / 1000);
    expect(late.health.world.fixtures).toBe(early.health.world.fixtures);
  });
});

describe('SKYPILOT_NOW', () => {
  it('that is not a time stops the built demo with one line and exit 2 (needs `npm run build`)', () => {
    const preload = path.resolve(__dirname, '..', '..', 'dist', 'src', 'demo', 'demo.js');
    const run = spawnSync(process.execPath, ['-r', preload, '-e', 'console.log("served")'], {
      env: { ...process.env, SKYPILOT_NOW: 'next tuesday' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/SKYPILOT_NOW must be an ISO date .* got 'next tuesday'/)]);
  });

  const saved = process.env.SKYPILOT_NOW;
  afterEach(() => {
    if (saved === undefined) delete process.env.SKYPILOT_NOW;
    else process.env.SKYPILOT_NOW = saved;
  });

  it.each([
    ['2026-11-22T12:00:00Z', null],
    ['1795348800', null],
    ['yesterday', /SKYPILOT_NOW must be an ISO date .* got 'yesterday'/],
    ['2026-13-45', /got '2026-13-45'/],
  ])('%s', (value, error) => {
    process.env.SKYPILOT_NOW = value;
    if (error === null) expect(pinnedNowError()).toBeNull();
    else {
      expect(pinnedNowError()).toMatch(error);
      // Never a world silently on the real clock.
      expect(() => installDemo({ log: () => {} })).toThrow(error);
    }
  });
});
