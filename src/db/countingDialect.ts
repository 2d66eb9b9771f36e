/**
 * The one place database errors are counted (`skypilot_db_errors_total`): every statement either
 * store runs, read or write, goes through the connection this dialect wraps, on either backend.
 * A failure counts once, when it is final:
 * - `busy`: a lock or statement timeout past its wait (PostgreSQL's lock_timeout and
 *   statement_timeout; a busy SQLite file outside a transaction). Inside an SQLite write
 *   transaction a busy statement is not final: the transaction is retried (databaseBusy.ts), which
 *   counts it if it still fails at its deadline;
 * - `error`: anything else (a connection lost, a missing table, a constraint).
 */
import type { CompiledQuery, DatabaseConnection, Dialect, Driver, QueryResult, TransactionSettings } from 'kysely';
import { DatabaseBusyError } from './databaseBusy';
import { countDbError } from './dbErrors';

/** PostgreSQL's lock_not_available (lock_timeout) and query_canceled (statement_timeout). */
const PG_BUSY_CODES = new Set(['55P03', '57014']);

function isBusy(error: unknown): boolean {
  return error instanceof DatabaseBusyError || PG_BUSY_CODES.has((error as { code?: string } | null)?.code ?? '');
}

export interface CountingOptions {
  /** The store, as metrics label it: "state database", "requests database". */
  what: string;
  /** Busy statements inside a transaction are retried by the caller (SQLite), and counted there. */
  busyRetriedInTransactions: boolean;
  /**
   * What a failed statement is thrown as: PostgreSQL's lock and statement timeouts become the typed
   * DatabaseBusyError here, for every statement (a read too, not only the writes of `Db.write`).
   */
  mapError?: (error: unknown) => unknown;
}

class CountingConnection implements DatabaseConnection {
  inTransaction = false;

  constructor(
    readonly inner: DatabaseConnection,
    private readonly options: CountingOptions,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    try {
      return await this.inner.executeQuery<R>(query);
    } catch (error) {
      const busy = isBusy(error);
      if (!busy) countDbError(this.options.what, 'error');
      else if (!(this.inTransaction && this.options.busyRetriedInTransactions)) countDbError(this.options.what, 'busy');
      throw this.options.mapError ? this.options.mapError(error) : error;
    }
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

class CountingDriver implements Driver {
  savepoint?: Driver['savepoint'];
  rollbackToSavepoint?: Driver['rollbackToSavepoint'];
  releaseSavepoint?: Driver['releaseSavepoint'];

  constructor(
    private readonly inner: Driver,
    private readonly options: CountingOptions,
  ) {
    // Savepoints only where the driver has them (kysely asks before using them).
    const { savepoint, rollbackToSavepoint, releaseSavepoint } = inner;
    if (savepoint) this.savepoint = (c, name, compile) => savepoint.call(inner, this.unwrap(c), name, compile);
    if (rollbackToSavepoint)
      this.rollbackToSavepoint = (c, name, compile) => rollbackToSavepoint.call(inner, this.unwrap(c), name, compile);
    if (releaseSavepoint) this.releaseSavepoint = (c, name, compile) => releaseSavepoint.call(inner, this.unwrap(c), name, compile);
  }

  init(): Promise<void> {
    return this.inner.init();
  }

  /** One wrapper per connection (SQLite acquires its one connection for every statement). */
  private readonly wrappers = new WeakMap<DatabaseConnection, CountingConnection>();

  async acquireConnection(): Promise<DatabaseConnection> {
    const inner = await this.inner.acquireConnection();
    let wrapper = this.wrappers.get(inner);
    if (!wrapper) {
      wrapper = new CountingConnection(inner, this.options);
      this.wrappers.set(inner, wrapper);
    }
    return wrapper;
  }

  private unwrap(connection: DatabaseConnection): DatabaseConnection {
    return connection instanceof CountingConnection ? connection.inner : connection;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await this.inner.beginTransaction(this.unwrap(connection), settings);
    if (connection instanceof CountingConnection) connection.inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    if (connection instanceof CountingConnection) connection.inTransaction = false;
    await this.inner.commitTransaction(this.unwrap(connection));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (connection instanceof CountingConnection) connection.inTransaction = false;
    await this.inner.rollbackTransaction(this.unwrap(connection));
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(this.unwrap(connection));
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

/** `dialect`, with every failed statement counted as above. */
export function countingErrors(dialect: Dialect, options: CountingOptions): Dialect {
  return {
    createDriver: () => new CountingDriver(dialect.createDriver(), options),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
  };
}
