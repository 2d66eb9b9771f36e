/**
 * Opening a PostgreSQL store: a pool with bounded waits (a lock held elsewhere fails the statement
 * after `lock_timeout`, answered as a typed 503, instead of hanging a request), integers read as
 * numbers, and messages between replicas: every write transaction NOTIFYs the store's channel and a
 * dedicated connection LISTENs, so a cache on one replica learns of another's writes in milliseconds.
 */
import { EventEmitter } from 'node:events';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import type { Db } from './database';
import { DatabaseBusyError } from './databaseBusy';
import { countingErrors } from './countingDialect';
import { describeTarget } from './dbTarget';
import { StoreOpenError } from './openSqlite';
import { hasMigrationsShape, type OwnershipFacts, ownershipProblem, type StoreOwnership, tablesToInspect } from './ownership';
import { advisoryKey } from './advisoryKey';
import { pingOf, subscribeLocally } from './localEvents';

export interface PostgresOpenOptions {
  uri: string;
  what: string;
  /** NOTIFY channel announcing this store's writes (a lower-case identifier). */
  channel: string;
  /**
   * Serialize write transactions with an advisory lock (the state store: few writes, read-modify-write
   * rules). The requests store opts out: its rows are written by their own replica only.
   */
  serializeWrites?: boolean;
  /** NOTIFY the channel on every write transaction (drives changeCounter in other replicas). */
  notifyChanges?: boolean;
  poolSize?: number;
  /** How the store recognizes its database: a database of another program is refused unchanged. */
  ownership: StoreOwnership;
  /** Stores that share the database with this one (state and requests use one database). */
  sharesWith?: readonly StoreOwnership[];
}

const INT8_OID = 20;
const LOCK_TIMEOUT_MS = 1000;
const STATEMENT_TIMEOUT_MS = 10_000;
const RELISTEN_MS = 500;

/**
 * Lock and statement timeouts from PostgreSQL become the same typed 503 as a busy SQLite file, for
 * every statement (countingDialect.ts maps them where it counts them) and for what fails around
 * them in a transaction (BEGIN, COMMIT).
 */
function mapPgError(what: string, error: unknown): unknown {
  const code = (error as { code?: string }).code;
  if (code === '55P03' || code === '57014') return new DatabaseBusyError(what, LOCK_TIMEOUT_MS);
  return error;
}

function assertChannel(channel: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error(`invalid channel name '${channel}'`);
}

/** Read-only: what ownership.ts needs to know about the database (its current schema). */
async function ownershipFacts(pool: pg.Pool, options: PostgresOpenOptions): Promise<OwnershipFacts> {
  const { rows } = await pool.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const tables = rows.map((r) => r.name);
  const columns = new Map<string, string[]>();
  const applied = new Map<string, { version: number; name: string }[]>();
  for (const { table, migrations } of tablesToInspect(options.ownership, options.sharesWith ?? [])) {
    if (!tables.includes(table) || columns.has(table)) continue;
    const found = await pool.query<{ name: string }>(
      `SELECT column_name AS name FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
      [table],
    );
    const names = found.rows.map((r) => r.name);
    columns.set(table, names);
    if (migrations && hasMigrationsShape(names)) {
      const recorded = await pool.query<{ version: number; name: string }>(`SELECT version, name FROM "${table.replace(/"/g, '""')}"`);
      applied.set(table, recorded.rows);
    }
  }
  return { tables, columns, applied };
}

export async function openPostgres<S>(options: PostgresOpenOptions): Promise<Db<S>> {
  assertChannel(options.channel);
  const where = `${options.what} ${describeTarget({ kind: 'postgres', uri: options.uri })}`;
  const pool = new pg.Pool({
    connectionString: options.uri,
    max: options.poolSize ?? 8,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    options: `-c lock_timeout=${LOCK_TIMEOUT_MS} -c statement_timeout=${STATEMENT_TIMEOUT_MS}`,
    types: {
      getTypeParser: (oid: number, format?: string) => (oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format as 'text')),
    } as pg.CustomTypesConfig,
  });
  pool.on('error', () => {
    /* an idle client died; the pool replaces it */
  });
  // The pool listens for errors only on idle clients. A connection cut while checked out (a
  // transaction between statements, a database dropped or failed over) would emit 'error' with no
  // listener and end the process; its statement fails on its own and the pool drops the client.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  let step = 'cannot connect';
  try {
    await pool.query('SELECT 1');
    step = 'cannot read its tables';
    // Before anything is created: a database of another program stays exactly as it was.
    const foreign = ownershipProblem(await ownershipFacts(pool, options), options.ownership, options.what, options.sharesWith);
    if (foreign) {
      throw new StoreOpenError(`${where}: ${foreign}`);
    }
  } catch (error) {
    await pool.end().catch(() => {});
    if (error instanceof StoreOpenError) throw error;
    throw new StoreOpenError(`${where}: ${step} (${(error as Error).message})`);
  }

  const kysely = new Kysely<S>({
    dialect: countingErrors(new PostgresDialect({ pool }), {
      what: options.what,
      busyRetriedInTransactions: false,
      mapError: (error) => mapPgError(options.what, error),
    }),
  });
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const channels = new Set([options.channel]);
  let counter = 0;
  let listener: pg.Client | null = null;
  let closed = false;

  // While the LISTEN connection is down, changeCounter moves on every call: no cache is trusted.
  const listen = async (): Promise<void> => {
    if (closed) return;
    const client = new pg.Client({ connectionString: options.uri });
    client.on('error', () => {});
    client.on('end', () => {
      if (listener === client) listener = null;
      if (!closed)
        setTimeout(() => {
          void listen();
        }, RELISTEN_MS).unref();
    });
    client.on('notification', (message) => {
      if (message.channel === options.channel) counter++;
      events.emit(message.channel, message.payload ?? '');
    });
    try {
      await client.connect();
      for (const channel of channels) await client.query(`LISTEN ${channel}`);
      listener = client;
      counter++;
    } catch {
      await client.end().catch(() => {});
    }
  };
  await listen();

  return {
    kind: 'postgres',
    label: where,
    kysely,
    async writeTransaction<T>(fn: (trx: Transaction<S>) => Promise<T>): Promise<T> {
      try {
        const result = await kysely.transaction().execute(async (trx) => {
          if (options.serializeWrites !== false) await sql`SELECT pg_advisory_xact_lock(${advisoryKey(options.channel)})`.execute(trx);
          const value = await fn(trx);
          if (options.notifyChanges !== false) await sql`SELECT pg_notify(${options.channel}, '')`.execute(trx);
          return value;
        });
        counter++;
        return result;
      } catch (error) {
        throw mapPgError(options.what, error);
      }
    },
    async write(fn) {
      try {
        const result = await fn(kysely);
        counter++;
        return result;
      } catch (error) {
        throw mapPgError(options.what, error);
      }
    },
    changeCounter: () => (listener ? counter : ++counter),
    crossProcessEvents: true,
    publish: async (channel, payload) => {
      assertChannel(channel);
      await sql`SELECT pg_notify(${channel}, ${payload})`.execute(kysely);
    },
    subscribe: (channel, handler) => {
      assertChannel(channel);
      if (!channels.has(channel)) {
        channels.add(channel);
        listener?.query(`LISTEN ${channel}`).catch(() => {});
      }
      return subscribeLocally(events, channel, handler);
    },
    ping: pingOf(kysely),
    close: async () => {
      closed = true;
      const client = listener;
      listener = null;
      await client?.end().catch(() => {});
      await kysely.destroy();
    },
  };
}
