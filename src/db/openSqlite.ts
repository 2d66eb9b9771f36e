/**
 * Opening an SQLite store safely. Everything that can be wrong with a file is found before anything
 * is written to it, and reported in one line naming the file:
 * - an explicit path in a directory that does not exist (a typo must not start an empty state);
 * - a file that is not SQLite, or an SQLite file of some other program (see ownership.ts: a table
 *   name alone proves nothing, so `schema_migrations` of Rails or golang-migrate is not ours);
 * - a damaged file (`PRAGMA quick_check`), which would otherwise start and fail on every call.
 * Only then is the file switched to WAL and migrated.
 */
import Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { Kysely, type Transaction } from 'kysely';
import type { Db } from './database';
import { countingErrors } from './countingDialect';
import { retryWhileBusy } from './databaseBusy';
import { hasMigrationsShape, type OwnershipFacts, ownershipProblem, type StoreOwnership, tablesToInspect } from './ownership';
import { BetterSqliteDialect, SQLITE_BLOCKING_WAIT_MS } from './sqliteDriver';
import { SqliteReadWorkers } from './sqliteReadWorkers';
import { pingOf, subscribeLocally } from './localEvents';

export interface SqliteOpenOptions {
  path: string;
  createDir: boolean;
  /** "state database", "requests database". */
  what: string;
  /** How the store recognizes its own file; any other file with tables is refused unchanged. */
  ownership: StoreOwnership;
  /** NORMAL trades the last commits on power loss for much cheaper commits (fine for retried requests). */
  synchronous: 'FULL' | 'NORMAL';
  busyDeadlineMs?: number;
  /** Worker threads that run reads outside transactions (sqliteReadWorkers.ts); 0: on the loop. */
  readWorkers?: number;
}

export class StoreOpenError extends Error {}

function fail(options: SqliteOpenOptions, why: string): never {
  throw new StoreOpenError(`${options.what} ${options.path}: ${why}`);
}

function tablesOf(db: Database.Database): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]).map(
    (r) => r.name,
  );
}

/** Read-only: what ownership.ts needs to know about the file. */
function ownershipFacts(db: Database.Database, tables: string[], options: SqliteOpenOptions): OwnershipFacts {
  const columns = new Map<string, string[]>();
  const applied = new Map<string, { version: number; name: string }[]>();
  for (const { table, migrations } of tablesToInspect(options.ownership, [])) {
    if (!tables.includes(table)) continue;
    const names = (db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(table) as string[]).map(String);
    columns.set(table, names);
    if (migrations && hasMigrationsShape(names)) {
      applied.set(
        table,
        db.prepare(`SELECT version, name FROM "${table.replace(/"/g, '""')}"`).all() as { version: number; name: string }[],
      );
    }
  }
  return { tables, columns, applied };
}

function checkFile(db: Database.Database, options: SqliteOpenOptions): void {
  let tables: string[];
  try {
    tables = tablesOf(db);
  } catch (error) {
    fail(options, `not an SQLite database (${(error as Error).message})`);
  }
  // A foreign file is refused without reading more of it; a read that fails here (a damaged page)
  // is left to quick_check, which says what is damaged.
  let foreign: string | null = null;
  try {
    foreign = ownershipProblem(ownershipFacts(db, tables, options), options.ownership, options.what);
  } catch {
    // left to quick_check below
  }
  if (foreign) fail(options, foreign);
  const problems = db.prepare('PRAGMA quick_check(3)').pluck().all() as string[];
  if (problems.length !== 1 || problems[0] !== 'ok') {
    fail(options, `damaged (${problems.join('; ').replace(/\s+/g, ' ').slice(0, 200)})`);
  }
}

export function openSqlite<S>(options: SqliteOpenOptions): Db<S> {
  const isMemory = options.path === ':memory:';
  if (!isMemory) {
    const dir = path.dirname(options.path);
    if (!fs.existsSync(dir)) {
      if (!options.createDir) fail(options, `directory ${dir} does not exist`);
      fs.mkdirSync(dir, { recursive: true });
    }
  }
  let raw: Database.Database;
  try {
    raw = new Database(options.path);
  } catch (error) {
    fail(options, `cannot open (${(error as Error).message})`);
  }
  try {
    checkFile(raw, options);
    raw.pragma(`busy_timeout = ${SQLITE_BLOCKING_WAIT_MS}`);
    raw.pragma('journal_mode = WAL');
    raw.pragma(`synchronous = ${options.synchronous}`);
    raw.pragma('foreign_keys = ON');
  } catch (error) {
    raw.close();
    if (error instanceof StoreOpenError) throw error;
    fail(options, `cannot open (${(error as Error).message})`);
  }

  const dataVersion = raw.prepare('PRAGMA data_version').pluck();
  let localWrites = 0;
  // Started on the first read, once the file (and its WAL) is in place; a memory database has no file to share.
  let workers: SqliteReadWorkers | null = null;
  let closing = false;
  const readWorkers = () => {
    if (isMemory || closing || !options.readWorkers || !raw.open) return null;
    workers ??= new SqliteReadWorkers(options.path, options.readWorkers);
    return workers;
  };
  const kysely = new Kysely<S>({
    dialect: countingErrors(new BetterSqliteDialect({ database: raw, what: options.what, readWorkers }), {
      what: options.what,
      busyRetriedInTransactions: true,
    }),
  });
  const events = new EventEmitter();
  events.setMaxListeners(0);
  return {
    kind: 'sqlite',
    label: `${options.what} ${options.path}`,
    kysely,
    async writeTransaction<T>(fn: (trx: Transaction<S>) => Promise<T>): Promise<T> {
      const result = await retryWhileBusy(options.what, options.busyDeadlineMs ?? 1000, () => kysely.transaction().execute(fn));
      localWrites++;
      return result;
    },
    write(fn) {
      return this.writeTransaction(fn);
    },
    changeCounter: () => localWrites * 2 ** 20 + (raw.open ? Number(dataVersion.get()) : 0),
    crossProcessEvents: false,
    publish: async (channel, payload) => {
      events.emit(channel, payload);
    },
    subscribe: (channel, handler) => subscribeLocally(events, channel, handler),
    ping: pingOf(kysely),
    close: async () => {
      closing = true;
      await workers?.close();
      await kysely.destroy();
    },
  };
}
