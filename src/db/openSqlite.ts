/**
 * Opening an SQLite store safely. Everything that can be wrong with a file is found before anything
 * is written to it, and reported in one line naming the file:
 * - an explicit path in a directory that does not exist (a typo must not start an empty state);
 * - a file that is not SQLite, or an SQLite file of some other program (no table of ours);
 * - a damaged file (`PRAGMA quick_check`), which would otherwise start and fail on every call.
 */
import Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { Kysely, type Transaction } from 'kysely';
import type { Db } from './database';
import { retryWhileBusy } from './databaseBusy';
import { BetterSqliteDialect, SQLITE_BLOCKING_WAIT_MS } from './sqliteDriver';

export interface SqliteOpenOptions {
  path: string;
  createDir: boolean;
  /** "state database", "requests database". */
  what: string;
  /** Tables that mark a file as ours; a file with tables but none of these is refused. */
  ownTables: readonly string[];
  /** NORMAL trades the last commits on power loss for much cheaper commits (fine for retried requests). */
  synchronous: 'FULL' | 'NORMAL';
  busyDeadlineMs?: number;
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

function checkFile(db: Database.Database, options: SqliteOpenOptions): void {
  let tables: string[];
  try {
    tables = tablesOf(db);
  } catch (error) {
    fail(options, `not an SQLite database (${(error as Error).message})`);
  }
  if (tables.length && !tables.some((t) => options.ownTables.includes(t))) {
    const shown = tables.slice(0, 5).join(', ') + (tables.length > 5 ? ', ...' : '');
    fail(options, `not a skypilot-ts ${options.what} (it holds other tables: ${shown}); refusing to change it`);
  }
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
  const kysely = new Kysely<S>({
    dialect: new BetterSqliteDialect({ database: raw, what: options.what }),
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
    subscribe: (channel, handler) => {
      events.on(channel, handler);
      return () => {
        events.off(channel, handler);
      };
    },
    ping: async () => {
      raw.prepare('SELECT 1').get();
    },
    close: async () => {
      await kysely.destroy();
    },
  };
}
