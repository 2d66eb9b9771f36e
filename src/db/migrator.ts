/**
 * Versioned schema migrations for SQLite and PostgreSQL alike, written with kysely's schema builder.
 * Each store keeps its applied versions in its own table, so running them again (every start) is a
 * no-op. Replicas starting together are safe: SQLite applies each migration in a BEGIN IMMEDIATE
 * transaction that re-checks the version; PostgreSQL holds a session advisory lock for the whole run.
 * Never edit a released migration: add the next version.
 */
import { sql } from 'kysely';
import type { Db } from './database';
import type { DbKind } from './dbTarget';
import { advisoryKey } from './advisoryKey';
import { createTable, type UntypedDb } from './createTable';

export interface Migration {
  version: number;
  name: string;
  up(db: UntypedDb, kind: DbKind): Promise<void>;
}

async function applyPending(db: UntypedDb, kind: DbKind, table: string, migrations: readonly Migration[]) {
  const ran: number[] = [];
  for (const migration of migrations) {
    await db.transaction().execute(async (trx) => {
      const applied = await trx.selectFrom(table).select('version').where('version', '=', migration.version).executeTakeFirst();
      if (applied) return;
      await migration.up(trx, kind);
      await trx
        .insertInto(table)
        .values({ version: migration.version, name: migration.name, applied_at: Math.floor(Date.now() / 1000) })
        .execute();
      ran.push(migration.version);
    });
  }
  return ran;
}

/** The store's table of applied versions, when it has none yet. */
async function createVersionsTable(db: UntypedDb, kind: DbKind, table: string): Promise<void> {
  // Epoch seconds: SQLite's integer is 64-bit already, PostgreSQL's would end in 2038.
  const epochSeconds = kind === 'sqlite' ? 'integer not null' : 'bigint not null';
  await createTable(db, table, { version: 'integer primary key', name: 'text not null', applied_at: epochSeconds }).ifNotExists().execute();
}

/** Applies what is missing; returns the versions applied now. */
export async function migrate<S>(store: Db<S>, table: string, migrations: readonly Migration[]): Promise<number[]> {
  const db = store.kysely as unknown as UntypedDb;
  if (store.kind === 'sqlite') {
    await createVersionsTable(db, store.kind, table);
    return applyPending(db, store.kind, table, migrations);
  }
  return db.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(${advisoryKey(table)})`.execute(conn);
    try {
      await createVersionsTable(conn, store.kind, table);
      return await applyPending(conn, store.kind, table, migrations);
    } finally {
      await sql`SELECT pg_advisory_unlock(${advisoryKey(table)})`.execute(conn);
    }
  });
}

/** Migrates a store just opened; one that cannot be migrated is closed, never handed out. */
export async function migrateOpened<S>(db: Db<S>, table: string, migrations: readonly Migration[]): Promise<Db<S>> {
  try {
    await migrate(db, table, migrations);
  } catch (error) {
    await db.close();
    throw new Error(`${db.label}: migration failed (${(error as Error).message})`);
  }
  return db;
}
