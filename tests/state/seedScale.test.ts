/**
 * The scale dataset is a reproducible fixture: `seedScale` writes the sizes asked for through the
 * state store, the same rows for the same seed and instant, and the store answers over it as the
 * server will (the cost report's `days` window, one cluster's history, a jobs page).
 */
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { seedScale } from '../../bench/seedScale';
import { globalUserState } from '../../src/state/globalUserState';
import { managedJobsState } from '../../src/state/managedJobsState';
import { makeTempDir, removeDir } from '../helpers/tempState';

const SIZES = { clusters: 12, history: 300, events: 450, jobsActive: 25, jobsFinished: 75 };
// One instant for both seedings; near the real now, which the `days` window is measured from.
const NOW = Math.floor(Date.now() / 1000);
let dir: string;
beforeAll(() => {
  dir = makeTempDir('skyts-seed-');
});
afterAll(() => removeDir(dir));

function digest(file: string): Record<string, number | string> {
  const db = new Database(file, { readonly: true });
  try {
    const out: Record<string, number | string> = {};
    for (const table of ['clusters', 'cluster_history', 'cluster_events', 'managed_jobs', 'managed_job_tasks']) {
      out[table] = (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    }
    const rows = db.prepare('SELECT * FROM cluster_history ORDER BY cluster_hash').all();
    out.history = crypto.createHash('sha256').update(JSON.stringify(rows)).digest('hex');
    return out;
  } finally {
    db.close();
  }
}

describe('seedScale', () => {
  it('writes the sizes asked for, the same rows for the same seed and instant', async () => {
    const files = ['a.db', 'b.db'].map((f) => path.join(dir, f));
    for (const file of files) await seedScale({ kind: 'sqlite', path: file, createDir: false }, SIZES, 5, NOW);
    const [a, b] = files.map(digest);
    expect(a).toEqual(b);
    // Jobs 50 and 100 are two-task pipelines.
    expect(a).toMatchObject({ clusters: 12, cluster_history: 300, cluster_events: 450, managed_jobs: 100, managed_job_tasks: 102 });
    // Each history row's `last_event` is its latest status change among the events written, as
    // the state keeps it (migration 10): the seeding computes it rather than looking it up.
    const db = new Database(files[0], { readonly: true });
    try {
      const latest = `(SELECT e.reason FROM cluster_events e WHERE e.cluster_hash = h.cluster_hash AND e.type = 'STATUS_CHANGE'
        ORDER BY e.transitioned_at DESC, e.seq DESC LIMIT 1)`;
      const rows = db.prepare(`SELECT h.last_event AS kept, ${latest} AS latest FROM cluster_history h`).all() as Record<string, unknown>[];
      expect(rows.filter((r) => r.kept !== r.latest)).toEqual([]);
      expect(rows.filter((r) => r.kept === 'Cluster is up.').length).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });

  it('is answered by the state store as the server will', async () => {
    await globalUserState.init({ dbPath: path.join(dir, 'a.db') });
    try {
      const all = await globalUserState.getClustersFromHistory({});
      expect(all).toHaveLength(300);
      // Spread over a year: a 30-day window holds some, not all; live clusters are always in it.
      const month = await globalUserState.getClustersFromHistory({ days: 30 });
      expect(month.length).toBeGreaterThan(12);
      expect(month.length).toBeLessThan(300);
      expect((await globalUserState.getClusters()).length).toBe(12);
      const [one] = await globalUserState.getClustersFromHistory({ clusterHashes: [all[0].clusterHash] });
      expect(one.name).toBe(all[0].name);
      const page = await managedJobsState.getJobs({ page: 1, limit: 10 });
      // Ten jobs, one of them (100) a pipeline listed as its two tasks, its first one succeeded.
      expect(page.jobs.map((j) => [j.jobId, j.taskId])).toEqual([[100, 0], [100, 1], ...Array.from({ length: 9 }, (_, i) => [99 - i, 0])]);
      expect(page.jobs.slice(0, 2).map((j) => [j.taskName, j.status === 'SUCCEEDED'])).toEqual([
        ['train', true],
        ['eval', false],
      ]);
      expect(page.total).toBe(100);
      expect(Object.values(page.statusCounts).reduce((s, n) => s + n, 0)).toBe(102);
    } finally {
      await globalUserState.close();
    }
  });

  const usage: [string, string[]][] = [
    ['no target', []],
    ['both targets', ['--db-path', 'x.db', '--postgres', 'postgresql://h/db']],
    ['a size that is not a count', ['--db-path', 'x.db', '--history', 'lots']],
    ['an unknown option', ['--db-path', 'x.db', '--bogus']],
  ];
  // The command as `npm run seed:scale` runs it (built by npm run build).
  it.each(usage)('%s: one readable line and exit 2', (_name, args) => {
    const run = spawnSync(process.execPath, ['dist/bench/seedScale.js', ...args], {
      cwd: path.join(__dirname, '..', '..'),
      encoding: 'utf8',
    });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^seed:scale: /);
  });
});
