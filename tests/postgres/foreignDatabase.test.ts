/**
 * A PostgreSQL database of another program is refused before anything is created in it: the server
 * says so in one line naming the database and exits 2, and the database holds exactly the tables it
 * held. Both stores share the database, so neither may create its tables while the other refuses.
 * Runs in the `postgres` jest project only (jest.config.js). Needs `npm run build`.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../helpers/testBackend';
import { makeTempDir, removeDir } from '../helpers/tempState';

const SERVER = path.resolve(__dirname, '..', '..', 'dist', 'src', 'server.js');
let dir: string;
const databases: TestDatabase[] = [];

beforeAll(() => {
  dir = makeTempDir('skyts-foreign-pg-');
});
afterAll(async () => {
  for (const database of databases) await database.drop();
  removeDir(dir);
});

async function query<T extends pg.QueryResultRow>(uri: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: uri });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

/** A fresh database holding what `sql` creates, as another program would have left it. */
async function foreignDatabase(sql: string): Promise<string> {
  const database = await createTestDatabase(dir, '', 'postgres');
  databases.push(database);
  await query(database.uri!, sql);
  return database.uri!;
}

const tables = async (uri: string) =>
  (
    await query<{ name: string }>(
      uri,
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    )
  ).map((r) => r.name);

function startServer(uri: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [SERVER, '--port', '0'],
      { timeout: 15_000, env: { PATH: process.env.PATH ?? '', HOME: dir, SKYPILOT_DB_CONNECTION_URI: uri } },
      (error, _stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stderr }),
    );
  });
}

describe('a PostgreSQL database of another program', () => {
  it.each([
    [
      'a users table',
      "CREATE TABLE users (id serial PRIMARY KEY, email text); INSERT INTO users (email) VALUES ('a@example.com');",
      ['users'],
      /not a skypilot-ts state database \(it holds other tables: users\); refusing to change it/,
    ],
    [
      "Rails' schema_migrations",
      "CREATE TABLE schema_migrations (version varchar PRIMARY KEY); INSERT INTO schema_migrations VALUES ('20240101120000');",
      ['schema_migrations'],
      /not a skypilot-ts state database \(its schema_migrations table has columns version, not version, name, applied_at\)/,
    ],
    [
      'a requests table beside a look-alike migrations table',
      `CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL);
       INSERT INTO schema_migrations VALUES (1, 'create requests', 0);
       CREATE TABLE requests (id serial PRIMARY KEY, url text);`,
      ['requests', 'schema_migrations'],
      /not a skypilot-ts state database \(its schema_migrations table records migration 1 'create requests', which is not skypilot-ts's\)/,
    ],
  ])('holding %s is refused in one line, and no table is created', async (_what, sql, held, message) => {
    const uri = await foreignDatabase(sql);
    const { code, stderr } = await startServer(uri);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^skypilot-ts: error: state database postgresql:\/\/sky:\*\*\*@/);
    expect(lines[0]).toMatch(message);
    expect(code).toBe(2);
    expect(await tables(uri)).toEqual(held);
  });
});
