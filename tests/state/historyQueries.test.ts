/**
 * History is filtered and ordered in the database: `days`, cluster hashes and names select rows by
 * indexed columns derived from the usage intervals, which migration 7 backfills from rows written
 * before it (no row lost, every time derived), and which every write keeps in step.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { migrate } from '../../src/db/migrator';
import { openSqlite } from '../../src/db/openSqlite';
import { globalUserState } from '../../src/state/globalUserState';
import { STATE_MIGRATIONS, STATE_MIGRATIONS_TABLE, STATE_OWNERSHIP } from '../../src/state/stateMigrations';
import type { StateSchema } from '../../src/state/stateSchema';
import { seedCluster } from '../helpers/fixtures';
import { makeTempDir, removeDir } from '../helpers/tempState';

const NOW = Math.floor(Date.now() / 1000);
const DAY = 86400;
/** name -> usage intervals (relative days: start, end or null for open). */
const HISTORY: Record<string, [number, number | null][]> = {
  open: [[-40, null]],
  recent: [[-3, -1]],
  twoIntervals: [
    [-100, -90],
    [-20, -15],
  ],
  old: [[-200, -150]],
  never: [],
};

let dir: string;
let file: string;
beforeAll(async () => {
  dir = makeTempDir('skyts-history-');
  file = path.join(dir, 'state.db');
  // A database as migration 6 left it, with history rows written then.
  const db = openSqlite<StateSchema>({
    path: file,
    createDir: false,
    what: 'state database',
    ownership: STATE_OWNERSHIP,
    synchronous: 'FULL',
  });
  await migrate(
    db,
    STATE_MIGRATIONS_TABLE,
    STATE_MIGRATIONS.filter((m) => m.version <= 6),
  );
  await db.close();
  const raw = new Database(file);
  const insert = raw.prepare(
    `INSERT INTO cluster_history (cluster_hash, name, num_nodes, launched_resources, usage_intervals, user_hash, workspace)
     VALUES (?, ?, 1, '{"cloud":"aws","instance_type":"m6i.large"}', ?, 'u1', 'default')`,
  );
  for (const [name, intervals] of Object.entries(HISTORY)) {
    insert.run(`hash-${name}`, name, JSON.stringify(intervals.map(([s, e]) => [NOW + s * DAY, e === null ? null : NOW + e * DAY])));
  }
  raw.close();
  await globalUserState.init({ dbPath: file });
});
afterAll(async () => {
  await globalUserState.close();
  removeDir(dir);
});

describe('getClustersFromHistory', () => {
  const cases: { query: Parameters<typeof globalUserState.getClustersFromHistory>[0]; names: string[] }[] = [
    // Most recently launched first.
    { query: {}, names: ['recent', 'twoIntervals', 'open', 'old', 'never'] },
    { query: { days: null }, names: ['recent', 'twoIntervals', 'open', 'old', 'never'] },
    { query: { days: 2 }, names: ['recent', 'open'] },
    { query: { days: 30 }, names: ['recent', 'twoIntervals', 'open'] },
    { query: { days: 365 }, names: ['recent', 'twoIntervals', 'open', 'old'] },
    { query: { days: 365, clusterHashes: ['hash-old', 'hash-open'] }, names: ['open', 'old'] },
    { query: { days: 30, clusterHashes: ['hash-old'] }, names: [] },
    { query: { clusterHashes: [] }, names: [] },
    { query: { clusterNames: ['twoIntervals'] }, names: ['twoIntervals'] },
    // Either list matches, as upstream's cost report.
    { query: { clusterHashes: ['hash-old'], clusterNames: ['recent'] }, names: ['recent', 'old'] },
    { query: { clusterHashes: [], clusterNames: ['recent'] }, names: ['recent'] },
    { query: { clusterHashes: [], clusterNames: [] }, names: [] },
  ];
  it.each(cases)('$query', async ({ query, names }) => {
    expect((await globalUserState.getClustersFromHistory(query)).map((h) => h.name)).toEqual(names);
  });

  it('derives launch time and duration from the intervals backfilled by the migration', async () => {
    const [two] = await globalUserState.getClustersFromHistory({ clusterNames: ['twoIntervals'] });
    expect(two.launchedAt).toBe(NOW - 20 * DAY);
    expect(two.durationSeconds).toBe(15 * DAY);
    const [never] = await globalUserState.getClustersFromHistory({ clusterNames: ['never'] });
    expect(never.launchedAt).toBe(0);
  });

  it('a launch and a stop keep the derived columns in step', async () => {
    await seedCluster('fresh');
    const [fresh] = await globalUserState.getClustersFromHistory({ days: 0, clusterNames: ['fresh'] });
    expect(fresh.launchedAt).toBeGreaterThanOrEqual(NOW);
    await globalUserState.removeCluster('fresh', false);
    expect((await globalUserState.getClustersFromHistory({ days: 1, clusterNames: ['fresh'] })).map((h) => h.name)).toEqual(['fresh']);
    // The latest events, chosen in SQL, still oldest first.
    const all = await globalUserState.getClusterEvents('fresh');
    expect(all.length).toBeGreaterThan(1);
    expect(await globalUserState.getClusterEvents('fresh', 'STATUS_CHANGE', 1)).toEqual(all.slice(-1));
    expect(await globalUserState.getClusterEvents(all[0].clusterHash, 'STATUS_CHANGE', 50)).toEqual(all);
    const raw = new Database(file, { readonly: true });
    try {
      const row = raw.prepare("SELECT launched_at, active_until FROM cluster_history WHERE name = 'fresh'").get() as Record<string, number>;
      expect(row.active_until).toBeGreaterThanOrEqual(row.launched_at);
      // The filters the clients use are answered by index, not by a scan of every history row.
      const plan = (sql: string) =>
        (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
      expect(plan('SELECT * FROM cluster_history WHERE active_until >= 5')).toMatch(/USING INDEX cluster_history_by_activity/);
      expect(plan("SELECT * FROM cluster_history WHERE name = 'x'")).toMatch(/USING INDEX cluster_history_by_name/);
      expect(plan('SELECT * FROM cluster_history ORDER BY launched_at DESC LIMIT 10')).toMatch(/cluster_history_by_launch/);
    } finally {
      raw.close();
    }
  });
});
