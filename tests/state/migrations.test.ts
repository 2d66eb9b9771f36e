/**
 * Migrations are versioned and idempotent; an existing database keeps its rows, including one made
 * by the first, SQLite-only releases (their schema, verbatim, is in fixtures/legacy-state-schema.sql).
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { migrate } from '../../src/db/migrator';
import { openSqlite } from '../../src/db/openSqlite';
import { globalUserState } from '../../src/state/globalUserState';
import { STATE_MIGRATIONS, STATE_MIGRATIONS_TABLE, STATE_OWNERSHIP } from '../../src/state/stateMigrations';
import type { StateSchema } from '../../src/state/stateSchema';
import { stateQueries } from '../../src/state/stateQueries';
import { seedCluster } from '../helpers/fixtures';
import { makeTempDir, removeDir } from '../helpers/tempState';

let dir: string;
beforeAll(() => {
  dir = makeTempDir('skyts-migrations-');
});
afterAll(async () => {
  await globalUserState.close();
  removeDir(dir);
});

const versions = STATE_MIGRATIONS.map((m) => m.version);
const LEGACY_SQL = fs.readFileSync(path.join(__dirname, 'fixtures', 'legacy-state-schema.sql'), 'utf8');

function openFile(file: string) {
  return openSqlite<StateSchema>({
    path: path.join(dir, file),
    createDir: false,
    what: 'state database',
    ownership: STATE_OWNERSHIP,
    synchronous: 'FULL',
  });
}

describe('migrate', () => {
  it('applies every version once; a second run applies nothing and keeps the data', async () => {
    const db = openFile('direct.db');
    try {
      expect(await migrate(db, STATE_MIGRATIONS_TABLE, STATE_MIGRATIONS)).toEqual(versions);
      await db.kysely.insertInto('config').values({ key: 'probe', value: '"kept"' }).execute();
      expect(await migrate(db, STATE_MIGRATIONS_TABLE, STATE_MIGRATIONS)).toEqual([]);
      expect(await migrate(db, STATE_MIGRATIONS_TABLE, STATE_MIGRATIONS)).toEqual([]);
    } finally {
      await db.close();
    }
    const raw = new Database(path.join(dir, 'direct.db'), { readonly: true });
    try {
      const rows = raw.prepare('SELECT version, COUNT(*) AS n FROM schema_migrations GROUP BY version ORDER BY version').all();
      expect(rows).toEqual(versions.map((version) => ({ version, n: 1 })));
      expect(raw.prepare("SELECT value FROM config WHERE key = 'probe'").get()).toEqual({ value: '"kept"' });
    } finally {
      raw.close();
    }
  });

  it('versions are strictly increasing', () => {
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
    expect(new Set(versions).size).toBe(versions.length);
  });

  it('a database made by the first releases opens with its rows and gains the new versions', async () => {
    const file = path.join(dir, 'legacy.db');
    const legacy = new Database(file);
    legacy.exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
    legacy.exec(LEGACY_SQL);
    // The names the first releases recorded: the same as versions 1-4 carry today.
    for (const m of STATE_MIGRATIONS.slice(0, 4)) legacy.prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)').run(m.version, m.name);
    legacy.prepare("INSERT INTO config (key, value) VALUES ('old', '1')").run();
    legacy
      .prepare(`INSERT INTO cluster_events (cluster_hash, name, starting_status, ending_status, reason, transitioned_at, type)
      VALUES ('h1', 'c1', NULL, 'UP', 'Cluster is up.', 100, 'STATUS_CHANGE')`)
      .run();
    legacy.close();

    await globalUserState.init({ dbPath: file });
    expect(await globalUserState.getClusterEvents('c1')).toEqual([
      expect.objectContaining({ reason: 'Cluster is up.', endingStatus: 'UP', transitionedAt: 100 }),
    ]);
    await globalUserState.close();
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual(versions.map((version) => ({ version })));
      expect(raw.prepare("SELECT value FROM config WHERE key = 'old'").get()).toEqual({ value: '1' });
    } finally {
      raw.close();
    }
  });
});

describe('re-opening an existing state DB', () => {
  it('keeps rows across close and init', async () => {
    const dbPath = path.join(dir, 'state.db');
    await globalUserState.init({ dbPath });
    await seedCluster('persisted');
    await globalUserState.addOrUpdateUser({ id: 'feed0001', name: 'keeper' });
    await globalUserState.close();

    await globalUserState.init({ dbPath });
    const record = await stateQueries.getClusterFromName('persisted');
    expect(record).not.toBeNull();
    expect(record!.handle.launchedResources.readable(1)).toBe('1x AWS(m6i.2xlarge)');
    expect((await globalUserState.getUser('feed0001'))!.name).toBe('keeper');
    await globalUserState.close();

    const raw = new Database(dbPath, { readonly: true });
    try {
      const applied = raw.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
      expect(applied).toEqual(versions.map((version) => ({ version })));
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      raw.close();
    }
  });
});
