/**
 * Bad configuration gets one readable line naming what is wrong and exit code 2, never a stack
 * trace, never a server quietly started on the wrong thing, and nothing written to a file that is
 * not ours. Needs `npm run build`.
 */
import Database from 'better-sqlite3';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { RequestStore } from '../../src/requests/requestStore';
import { expectOneErrorLine, runBuiltServer } from '../helpers/builtServer';
import { makeTempDir, removeDir } from '../helpers/tempState';

let dir: string;
beforeAll(() => {
  dir = makeTempDir('skyts-config-');
});
afterAll(() => removeDir(dir));

async function expectOneLine(args: string[], message: RegExp, env: Record<string, string> = {}): Promise<void> {
  // A free port unless the case is about the port itself, so a good setting would start, not fail.
  const port = args.includes('--port') || env.SKYPILOT_PORT !== undefined ? [] : ['--port', '0'];
  const { code, stderr } = await runBuiltServer([...port, ...args], env, { home: dir });
  expect(code).toBe(2);
  expectOneErrorLine(stderr, message);
}

const digest = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** An SQLite file made by `sql` (rollback journal, as other programs leave theirs). */
function sqliteFile(name: string, sql: string): string {
  const file = path.join(dir, name);
  const db = new Database(file);
  db.pragma('journal_mode = DELETE');
  db.exec(sql);
  db.close();
  return file;
}

/** Refused with `message`, and the file byte for byte as it was, with no WAL or journal beside it. */
async function expectRefusedUnchanged(file: string, args: string[], message: RegExp): Promise<void> {
  const before = fs.readFileSync(file);
  await expectOneLine(args, message);
  expect(fs.readFileSync(file).equals(before)).toBe(true);
  for (const suffix of ['-wal', '-shm', '-journal']) expect(fs.existsSync(`${file}${suffix}`)).toBe(false);
}

const RAILS = `CREATE TABLE schema_migrations (version varchar NOT NULL PRIMARY KEY);
  INSERT INTO schema_migrations VALUES ('20240101120000');
  CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);`;
const GOLANG_MIGRATE = `CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);
  INSERT INTO schema_migrations VALUES (3, 0);`;
/** Our migrations table's shape exactly, kept by some other program. */
const LOOKALIKE = `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL);
  INSERT INTO schema_migrations VALUES (1, 'create invoices', 0);
  CREATE TABLE invoices (id INTEGER PRIMARY KEY);`;

describe('server options', () => {
  it.each([
    [['--port', 'abc'], {}, /--port must be an integer from 0 to 65535, got 'abc'/],
    [['--port', '70000'], {}, /--port must be an integer/],
    [['--port', '-1'], {}, /--port must be an integer from 0 to 65535, got '-1'/],
    [['--port', ''], {}, /--port must be an integer from 0 to 65535, got ''/],
    [[], { SKYPILOT_PORT: '' }, /SKYPILOT_PORT must be an integer from 0 to 65535, got ''/],
    [['--bogus'], {}, /Unknown option '--bogus'/],
    [['--db-path', ''], {}, /--db-path must not be empty/],
    [[], { SKYPILOT_STATE_DB: '' }, /SKYPILOT_STATE_DB must not be empty \(unset it to use ~\/\.sky\/state\.db\)/],
    [[], { SKYPILOT_REQUESTS_DB: ' ' }, /SKYPILOT_REQUESTS_DB must not be empty/],
    [['--host', ''], {}, /--host must not be empty/],
    [[], { SKYPILOT_HOST: '' }, /SKYPILOT_HOST must not be empty/],
    [[], { SKYPILOT_DB_CONNECTION_URI: 'mysql://x' }, /SKYPILOT_DB_CONNECTION_URI must be a postgresql:\/\/ URI/],
    [[], { SKYPILOT_CORS_ORIGINS: 'dashboard.example.com' }, /SKYPILOT_CORS_ORIGINS: 'dashboard.example.com' is not an origin/],
    [[], { SKYPILOT_RATE_LIMIT: 'fast' }, /SKYPILOT_RATE_LIMIT must be/],
    [[], { SKYPILOT_ACCESS_LOG: 'maybe' }, /SKYPILOT_ACCESS_LOG must be 1 or 0/],
    [[], { SKYPILOT_REPLICA_LEASE_SECONDS: '0' }, /SKYPILOT_REPLICA_LEASE_SECONDS must be/],
    [[], { SKYPILOT_AUTH_USER_HEADER: '' }, /SKYPILOT_AUTH_USER_HEADER must be an HTTP header name \(got ""\)/],
    [[], { SKYPILOT_AUTH_USER_HEADER: 'X Auth User' }, /SKYPILOT_AUTH_USER_HEADER must be an HTTP header name/],
    [[], { SKYPILOT_AUTH_USER_HEADER: 'X-Auth-User:' }, /SKYPILOT_AUTH_USER_HEADER must be an HTTP header name/],
    [[], { SKYPILOT_AUTH_USER_HEADER: 'Cookie' }, /SKYPILOT_AUTH_USER_HEADER must name the proxy's own header, not Cookie/],
    [[], { SKYPILOT_AUTH_USER_HEADER: 'X-SkyPilot-User' }, /SKYPILOT_AUTH_USER_HEADER must name the proxy's own header/],
    [[], { SKYPILOT_SERVICE_ACCOUNTS: 'maybe' }, /SKYPILOT_SERVICE_ACCOUNTS must be 1 or 0, got 'maybe'/],
    [[], { ENABLE_SERVICE_ACCOUNTS: 'yess' }, /ENABLE_SERVICE_ACCOUNTS must be 1 or 0, got 'yess'/],
  ])('%j %j is refused with one line', async (args, env, message) => {
    await expectOneLine(args, message, env as Record<string, string>);
  });
});

describe('the demo’s settings', () => {
  // What `npm start` preloads: the demo with its sessions wing (which reads SKYPILOT_DEMO_SANDBOX).
  const DEMO = path.resolve(__dirname, '..', '..', 'dist', 'src', 'sessions', 'sessions.js');
  it.each([
    [{ SKYPILOT_NOW: 'garbage' }, /SKYPILOT_NOW must be an ISO date .* or epoch seconds, got 'garbage'/],
    [{ SKYPILOT_NOW: 'yesterday' }, /SKYPILOT_NOW must be/],
    [{ SKYPILOT_DEMO_SANDBOX: 'maybe' }, /SKYPILOT_DEMO_SANDBOX must be 1 or 0 \(true or false\), got 'maybe'/],
    [{ SKYPILOT_DEMO_RELOAD_MS: 'soon' }, /SKYPILOT_DEMO_RELOAD_MS must be a whole number/],
  ])('%j is refused with one line and exit 2', async (env, message) => {
    const { code, stderr } = await runBuiltServer(['--port', '0'], env, { home: dir, preload: DEMO });
    expect(code).toBe(2);
    expectOneErrorLine(stderr, /^skypilot-ts: error: demo: /);
    expectOneErrorLine(stderr, message);
  });
});

describe('listening', () => {
  it('a metrics port already in use is refused in one line naming the setting, before anything is claimed', async () => {
    const taken = net.createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => taken.once('listening', resolve));
    try {
      const port = (taken.address() as net.AddressInfo).port;
      await expectOneLine(
        ['--db-path', path.join(dir, 'state-metrics.db'), '--requests-db', path.join(dir, 'requests-metrics.db')],
        new RegExp(`SKYPILOT_METRICS_PORT: port ${port} on 127\\.0\\.0\\.1 is already in use`),
        { SKYPILOT_METRICS_PORT: String(port) },
      );
    } finally {
      taken.close();
    }
  });
});

describe('database files', () => {
  it('an explicit path in a directory that does not exist is refused, and nothing is created', async () => {
    const missing = path.join(dir, 'no-such-dir', 'state.db');
    await expectOneLine(['--db-path', missing], /state database .*no-such-dir\/state\.db: directory .*no-such-dir does not exist/);
    expect(fs.existsSync(path.dirname(missing))).toBe(false);
    await expectOneLine(
      ['--db-path', path.join(dir, 'ok.db'), '--requests-db', path.join(dir, 'nope', 'r.db')],
      /requests database .*nope\/r\.db: directory .*nope does not exist/,
    );
  });

  it('an SQLite file of another program is refused before anything is written to it', async () => {
    const foreign = path.join(dir, 'foreign.db');
    const db = new Database(foreign);
    db.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5);');
    db.close();
    const before = digest(foreign);
    await expectOneLine(
      ['--db-path', foreign],
      /state database .*foreign\.db: not a skypilot-ts state database \(it holds other tables: invoices\); refusing to change it/,
    );
    expect(digest(foreign)).toBe(before);
    expect(fs.existsSync(`${foreign}-wal`)).toBe(false);
  });

  it.each([
    ['Rails', RAILS, /its schema_migrations table has columns version, not version, name, applied_at/],
    ['golang-migrate', GOLANG_MIGRATE, /its schema_migrations table has columns version, dirty, not version, name, applied_at/],
    ['a look-alike', LOOKALIKE, /its schema_migrations table records migration 1 'create invoices', which is not skypilot-ts's/],
  ])('a state database with the schema_migrations of %s is refused, byte for byte unchanged', async (kind, sql, why) => {
    const file = sqliteFile(`state-${kind.replace(/\W/g, '')}.db`, sql);
    const message = new RegExp(
      `state database .*${path.basename(file)}: not a skypilot-ts state database \\(${why.source}\\); refusing to change it`,
    );
    await expectRefusedUnchanged(file, ['--db-path', file], message);
  });

  it('a requests database of another program is refused, byte for byte unchanged', async () => {
    const state = path.join(dir, 'state-for-requests.db');
    const foreignRequests = sqliteFile(
      'requests-foreign.db',
      `CREATE TABLE requests (id INTEGER PRIMARY KEY, url TEXT, status INTEGER);
      INSERT INTO requests VALUES (1, 'https://example.com', 200);`,
    );
    await expectRefusedUnchanged(
      foreignRequests,
      ['--db-path', state, '--requests-db', foreignRequests],
      /requests database .*requests-foreign\.db: not a skypilot-ts requests database \(its requests table has columns id, url, status, not skypilot-ts's, and there is no requests_schema_migrations\); refusing to change it/,
    );
    const other = sqliteFile('requests-other.db', 'CREATE TABLE invoices (id INTEGER PRIMARY KEY);');
    await expectRefusedUnchanged(
      other,
      ['--db-path', state, '--requests-db', other],
      /requests database .*requests-other\.db: not a skypilot-ts requests database \(it holds other tables: invoices\)/,
    );
    const rails = sqliteFile('requests-rails.db', RAILS.replace(/schema_migrations/g, 'requests_schema_migrations'));
    await expectRefusedUnchanged(
      rails,
      ['--db-path', state, '--requests-db', rails],
      /requests database .*requests-rails\.db: not a skypilot-ts requests database \(its requests_schema_migrations table has columns version,/,
    );
  });

  it('a requests database of the first releases (a requests table, no migrations table) is ours', async () => {
    const file = sqliteFile(
      'requests-first-release.db',
      `CREATE TABLE requests (
        request_id TEXT PRIMARY KEY, name TEXT NOT NULL, request_body TEXT NOT NULL, status TEXT NOT NULL,
        created_at REAL NOT NULL, finished_at REAL, return_value TEXT NOT NULL DEFAULT 'null',
        error TEXT NOT NULL DEFAULT 'null', user_id TEXT NOT NULL, user_name TEXT, cluster_name TEXT,
        schedule_type TEXT NOT NULL, status_msg TEXT, should_retry INTEGER NOT NULL DEFAULT 0,
        log TEXT NOT NULL DEFAULT '');
      INSERT INTO requests (request_id, name, request_body, status, created_at, user_id, schedule_type)
        VALUES ('old-request-0001', 'sky.stop', '{}', 'SUCCEEDED', 1, 'u1', 'short');`,
    );
    const store = await RequestStore.openSqlite(file);
    try {
      expect((await store.table.get('old-request-0001'))?.status).toBe('SUCCEEDED');
    } finally {
      await store.close();
    }
  });

  it('a file that is not SQLite at all is refused naming the file', async () => {
    const text = path.join(dir, 'notes.txt');
    fs.writeFileSync(text, 'these are notes, not a database\n'.repeat(200));
    await expectOneLine(['--db-path', text], /state database .*notes\.txt: not an SQLite database/);
    await expectOneLine(
      ['--db-path', path.join(dir, 'state-for-notes.db'), '--requests-db', text],
      /requests database .*notes\.txt: not an SQLite database/,
    );
  });

  /** A file of `store`'s own kind (its migrations table), whose pages after the header are scribbled over. */
  function damagedFile(name: string, migrationsTable: string): string {
    const damaged = path.join(dir, name);
    const db = new Database(damaged);
    db.pragma('journal_mode = DELETE');
    db.exec(`CREATE TABLE ${migrationsTable} (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
    db.exec('CREATE TABLE bulk (name TEXT PRIMARY KEY, data TEXT)');
    const insert = db.prepare('INSERT INTO bulk VALUES (?, ?)');
    for (let i = 0; i < 400; i++) insert.run(`c${i}`, 'x'.repeat(200));
    db.close();
    // Keep the header (page 1) valid; scribble over the pages holding the table's b-tree.
    const bytes = fs.readFileSync(damaged);
    for (let offset = 4096 * 2; offset < bytes.length - 100; offset += 4096) bytes.fill(0xff, offset, offset + 64);
    fs.writeFileSync(damaged, bytes);
    return damaged;
  }

  it('a damaged state database is refused at start, naming the file', async () => {
    const damaged = damagedFile('damaged.db', 'schema_migrations');
    await expectOneLine(['--db-path', damaged], /state database .*damaged\.db: damaged \(/);
  });

  it('a damaged requests database is refused at start, naming the file', async () => {
    const damaged = damagedFile('damaged-requests.db', 'requests_schema_migrations');
    await expectOneLine(
      ['--db-path', path.join(dir, 'state-for-damaged.db'), '--requests-db', damaged],
      /requests database .*damaged-requests\.db: damaged \(/,
    );
  });
});
