/**
 * The backend a test suite runs on: SQLite files by default, PostgreSQL in jest's `postgres`
 * project (jest.config.js). On PostgreSQL each suite gets a database of its own, dropped after.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import type { DbTarget } from '../../src/db/dbTarget';

export type TestBackend = 'sqlite' | 'postgres';

export function testBackend(): TestBackend {
  return process.env.SKYPILOT_TEST_BACKEND === 'postgres' ? 'postgres' : 'sqlite';
}

export const POSTGRES_URI = process.env.SKYPILOT_TEST_POSTGRES_URI || 'postgresql://sky:sky@127.0.0.1:5432/sky';

function withDatabase(uri: string, database: string): string {
  const url = new URL(uri);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_URI });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  target: DbTarget;
  /** A second target on the same database (the requests store beside the state store). */
  uri: string | null;
  drop(): Promise<void>;
}

/** A fresh PostgreSQL database, or an SQLite file `file` in `dir`. */
export async function createTestDatabase(dir: string, file: string, backend = testBackend()): Promise<TestDatabase> {
  if (backend === 'sqlite') {
    return {
      target: { kind: 'sqlite', path: file === ':memory:' ? file : path.join(dir, file), createDir: false },
      uri: null,
      drop: async () => {},
    };
  }
  const name = `skyts_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const uri = withDatabase(POSTGRES_URI, name);
  return {
    target: { kind: 'postgres', uri },
    uri,
    drop: () =>
      admin(async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }),
  };
}
