/**
 * Opening a store, one way for both (state and requests): the SQLite file or the PostgreSQL
 * database its target names, recognized as ours by its ownership (a database of another program is
 * refused unchanged), then migrated under a lock. Each store says only what differs: its name, its
 * ownership, how durable its commits must be, and how it announces its writes to other replicas.
 */
import type { Db } from './database';
import type { DbTarget } from './dbTarget';
import { type Migration, migrateOpened } from './migrator';
import { openSqlite } from './openSqlite';
import type { StoreOwnership } from './ownership';

export interface StoreSpec {
  /** For messages: "state database". */
  what: string;
  /** How it recognizes its database (its migrations table and their names). */
  ownership: StoreOwnership;
  /** What it runs, in that table. */
  migrations: readonly Migration[];
  /** Stores that share a PostgreSQL database with this one (state and requests use one). */
  sharesWith?: readonly StoreOwnership[];
  /** SQLite commits: FULL for state, NORMAL (WAL never corrupts; clients retry) for requests. */
  synchronous: 'FULL' | 'NORMAL';
  /** SQLite on a file: threads that run reads outside transactions, so big reads do not hold the loop. */
  readWorkers?: number;
  /** PostgreSQL: the NOTIFY channel announcing its writes, and whether writes are serialized and announced. */
  postgres: { channel: string; serializeWrites?: boolean; notifyChanges?: boolean };
}

export async function openStore<S>(target: DbTarget, spec: StoreSpec): Promise<Db<S>> {
  const { what, ownership } = spec;
  const db =
    target.kind === 'sqlite'
      ? openSqlite<S>({
          path: target.path,
          createDir: target.createDir,
          what,
          ownership,
          synchronous: spec.synchronous,
          readWorkers: spec.readWorkers,
        })
      : // PostgreSQL's driver is loaded only when one is used.
        await (await import('./openPostgres')).openPostgres<S>({
          uri: target.uri,
          what,
          ownership,
          sharesWith: spec.sharesWith,
          ...spec.postgres,
        });
  return migrateOpened(db, ownership.table, spec.migrations);
}
