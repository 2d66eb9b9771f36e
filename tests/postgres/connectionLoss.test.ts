/**
 * A PostgreSQL connection cut while a statement holds it (a dropped database, a failover, an
 * administrator's pg_terminate_backend) fails that statement and nothing else: the process lives on
 * and the next statement gets a fresh connection. Before, the pool's client emitted 'error' with no
 * listener and the server exited (seen as a replica gone in the topology test).
 */
import { sql } from 'kysely';
import pg from 'pg';
import { openPostgres } from '../../src/db/openPostgres';
import { STATE_OWNERSHIP } from '../../src/state/stateMigrations';
import { createTestDatabase, type TestDatabase } from '../helpers/testBackend';
import { makeTempDir, removeDir } from '../helpers/tempState';

let dir: string;
let database: TestDatabase;

beforeAll(async () => {
  dir = makeTempDir('skyts-connloss-');
  database = await createTestDatabase(dir, '', 'postgres');
});

afterAll(async () => {
  await database?.drop();
  removeDir(dir);
});

async function terminate(pid: number): Promise<void> {
  const admin = new pg.Client({ connectionString: database.uri! });
  await admin.connect();
  try {
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
  } finally {
    await admin.end();
  }
}

it('fails the transaction whose connection is cut, and keeps serving', async () => {
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => {
    uncaught.push(error);
  };
  process.on('uncaughtException', onUncaught);
  const db = await openPostgres<Record<string, never>>({
    uri: database.uri!,
    what: 'state database',
    channel: 'connloss_test',
    ownership: STATE_OWNERSHIP,
  });
  try {
    const cut = db.writeTransaction(async (trx) => {
      const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx);
      await terminate(rows[0].pid);
      // Held between statements, as a read-modify-write transaction is, while the cut arrives.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await sql`SELECT 1`.execute(trx);
    });
    await expect(cut).rejects.toThrow();
    const { rows } = await sql<{ one: number }>`SELECT 1 AS one`.execute(db.kysely);
    expect(rows).toEqual([{ one: 1 }]);
    expect(uncaught).toEqual([]);
  } finally {
    process.off('uncaughtException', onUncaught);
    await db.close();
  }
});
