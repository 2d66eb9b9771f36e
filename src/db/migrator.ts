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
import type { UntypedDb } from './createTable';

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

/** Applies what is missing; returns the versions applied now. */
export async function migrate<S>(store: Db<S>, table: string, migrations: readonly Migration[]): Promise<number[]> {
  const db = store.kysely as unknown as UntypedDb;
  if (store.kind === 'sqlite') {
    await db.schema
      .createTable(table)
      .ifNotExists()
      .addColumn('version', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('applied_at', 'integer', (c) => c.notNull())
      .execute();
    return applyPending(db, store.kind, table, migrations);
  }
  return db.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(${advisoryKey(table)})`.execute(conn);
    try {
      await conn.schema
        .createTable(table)
        .ifNotExists()
        .addColumn('version', 'integer', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('applied_at', 'bigint', (c) => c.notNull())
        .execute();
      return await applyPending(conn, store.kind, table, migrations);
    } finally {
      await sql`SELECT pg_advisory_unlock(${advisoryKey(table)})`.execute(conn);
    }
  });
}
