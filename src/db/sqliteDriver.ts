/**
 * A kysely driver over one better-sqlite3 connection, made for a server's event loop:
 * - prepared statements are cached by SQL text (preparing costs more than running a small query);
 * - write transactions start with BEGIN IMMEDIATE, so two writers never deadlock upgrading a read lock;
 * - SQLite's own busy wait, which blocks the thread, is kept to a few milliseconds; a statement still
 *   locked out after it fails as DatabaseBusyError, which write transactions retry (databaseBusy.ts)
 *   with the connection released in between;
 * - with read workers (sqliteReadWorkers.ts), a read outside a transaction runs on a worker thread and
 *   takes no lock: a long read neither holds the event loop nor queues the writes behind it.
 */
import type Database from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import { DatabaseBusyError, isSqliteBusy } from './databaseBusy';
import type { SqliteReadWorkers } from './sqliteReadWorkers';

/** How long SQLite itself may block the thread waiting for a lock, per attempt. */
export const SQLITE_BLOCKING_WAIT_MS = 3;
const MAX_CACHED_STATEMENTS = 500;

export interface SqliteDriverOptions {
  database: Database.Database;
  /** Names the file in busy errors, e.g. "state database". */
  what: string;
  /** Where reads outside transactions run; on the main connection when absent. */
  readWorkers?: () => SqliteReadWorkers | null;
}

class SqliteConnection implements DatabaseConnection {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly options: SqliteDriverOptions) {}

  statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size >= MAX_CACHED_STATEMENTS) this.statements.clear();
      statement = this.options.database.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    try {
      const statement = this.statement(query.sql);
      // SQLite binds no booleans: store them as 0/1, as the schema declares them.
      const parameters = query.parameters.map((p) => (typeof p === 'boolean' ? Number(p) : p));
      if (statement.reader) return { rows: statement.all(...parameters) as R[] };
      const { changes, lastInsertRowid } = statement.run(...parameters);
      return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
    } catch (error) {
      if (isSqliteBusy(error)) throw new DatabaseBusyError(this.options.what, SQLITE_BLOCKING_WAIT_MS);
      throw error;
    }
  }

  // biome-ignore lint/correctness/useYield: kysely's driver interface wants a generator; this one is never used
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not used by this server');
  }
}

/** One connection, one user at a time: kysely awaits this lock, so waiting never blocks the loop. */
class ConnectionLock {
  private tail: Promise<void> = Promise.resolve();
  private release: (() => void) | null = null;

  async acquire(): Promise<void> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    this.release = release;
  }

  free(): void {
    const release = this.release;
    this.release = null;
    release?.();
  }
}

/**
 * What kysely holds between acquiring and releasing a connection. Outside a transaction it takes the
 * main connection's lock per statement (a write) or none at all (a read on a worker); a transaction
 * holds the lock from BEGIN to its release, so nothing else runs inside it.
 */
class Session implements DatabaseConnection {
  inTransaction = false;
  holdsLock = false;

  constructor(private readonly driver: SqliteDriver) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const { main, lock, options } = this.driver;
    if (this.inTransaction) return main.executeQuery<R>(query);
    const workers = options.readWorkers?.();
    if (workers && isReader(main, query.sql)) {
      const parameters = query.parameters.map((p) => (typeof p === 'boolean' ? Number(p) : p));
      const rows = workers.read(query.sql, parameters);
      if (rows) {
        try {
          return { rows: (await rows) as R[] };
        } catch (error) {
          if (isSqliteBusy(error)) throw new DatabaseBusyError(options.what, SQLITE_BLOCKING_WAIT_MS);
          throw error;
        }
      }
    }
    await lock.acquire();
    try {
      return await main.executeQuery<R>(query);
    } finally {
      lock.free();
    }
  }

  // biome-ignore lint/correctness/useYield: kysely's driver interface wants a generator; this one is never used
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not used by this server');
  }
}

function isReader(main: SqliteConnection, sql: string): boolean {
  try {
    return main.statement(sql).reader;
  } catch {
    // Not preparable here: the main connection reports the error.
    return false;
  }
}

class SqliteDriver implements Driver {
  readonly lock = new ConnectionLock();
  readonly main: SqliteConnection;

  constructor(readonly options: SqliteDriverOptions) {
    this.main = new SqliteConnection(options);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new Session(this);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const session = connection as Session;
    await this.lock.acquire();
    session.holdsLock = true;
    await this.main.executeQuery(CompiledQuery.raw('begin immediate'));
    session.inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await this.main.executeQuery(CompiledQuery.raw('commit'));
    (connection as Session).inTransaction = false;
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await this.main.executeQuery(CompiledQuery.raw('rollback'));
    (connection as Session).inTransaction = false;
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const session = connection as Session;
    session.inTransaction = false;
    if (session.holdsLock) {
      session.holdsLock = false;
      this.lock.free();
    }
  }

  async destroy(): Promise<void> {
    if (this.options.database.open) this.options.database.close();
  }
}

export class BetterSqliteDialect implements Dialect {
  constructor(private readonly options: SqliteDriverOptions) {}

  createDriver(): Driver {
    return new SqliteDriver(this.options);
  }

  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }

  createAdapter() {
    return new SqliteAdapter();
  }

  createIntrospector(db: Kysely<unknown>) {
    return new SqliteIntrospector(db);
  }
}
