/** Migrations are versioned and idempotent; an existing database keeps its rows. */
import Database from 'better-sqlite3';
import path from 'node:path';
import { globalUserState } from '../../src/state/globalUserState';
import { MIGRATIONS, runMigrations } from '../../src/state/migrations';
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

const versions = MIGRATIONS.map((m) => m.version);

describe('runMigrations', () => {
  it('applies every version once; a second run applies nothing and keeps the data', () => {
    const db = new Database(path.join(dir, 'direct.db'));
    try {
      expect(runMigrations(db)).toEqual(versions);
      db.prepare("INSERT INTO config (key, value) VALUES ('probe', '\"kept\"')").run();
      db.prepare("INSERT INTO users (id, name, created_at) VALUES ('abcd1234', 'probe', 1)").run();

      expect(runMigrations(db)).toEqual([]);
      expect(runMigrations(db)).toEqual([]);

      const rows = db.prepare('SELECT version, COUNT(*) AS n FROM schema_migrations GROUP BY version ORDER BY version')
        .all() as { version: number; n: number }[];
      expect(rows).toEqual(versions.map((version) => ({ version, n: 1 })));
      expect(db.prepare("SELECT value FROM config WHERE key = 'probe'").get()).toEqual({ value: '"kept"' });
      expect(db.prepare('SELECT COUNT(*) AS n FROM users').get()).toEqual({ n: 1 });
    } finally {
      db.close();
    }
  });

  it('versions are strictly increasing', () => {
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
    expect(new Set(versions).size).toBe(versions.length);
  });

  it('a database with only the first migration is brought up to date', () => {
    const db = new Database(path.join(dir, 'partial.db'));
    try {
      db.exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
      db.exec(MIGRATIONS[0].sql);
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)').run(MIGRATIONS[0].version, MIGRATIONS[0].name);
      db.prepare("INSERT INTO config (key, value) VALUES ('old', '1')").run();
      expect(runMigrations(db)).toEqual(versions.slice(1));
      expect(db.prepare("SELECT value FROM config WHERE key = 'old'").get()).toEqual({ value: '1' });
    } finally {
      db.close();
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
    const record = await globalUserState.getClusterFromName('persisted');
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
