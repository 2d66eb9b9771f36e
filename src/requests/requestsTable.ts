/**
 * The requests table: durable requests (writes, long requests) always, reads too when the store is
 * shared by replicas. Listings select summary columns only: a result, a body or a log is read only
 * for the one request that is asked for.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Db } from '../db/database';
import { FINISHED_REQUEST_STATUSES, type RequestStatus, type ScheduleType } from '../vocab/statuses';
import type { RequestError, RequestRecord, Viewer } from './requestRecord';
import type { RequestsSchema, RequestsTable } from './requestsSchema';

const FINISHED = [...FINISHED_REQUEST_STATUSES];
/** Request ids per statement when orphans are settled. */
const ORPHANS_PER_STATEMENT = 500;
/** Why a request whose server stopped is SUCCEEDED: its change was found committed. */
export const RECOVERED_MSG = 'The API server stopped before recording this result; its change had committed (result not kept).';
const SUMMARY_COLUMNS = [
  'request_id',
  'name',
  'status',
  'created_at',
  'finished_at',
  'user_id',
  'user_name',
  'cluster_name',
  'schedule_type',
  'status_msg',
  'should_retry',
  'owner',
  'replica_id',
  'durable',
  'error',
] as const;

type SummaryRow = Pick<Selectable<RequestsTable>, (typeof SUMMARY_COLUMNS)[number]>;

function parseError(text: string): RequestError | null {
  try {
    const value = JSON.parse(text) as RequestError | null;
    return value && typeof value.type === 'string' ? { type: value.type, message: String(value.message ?? '') } : null;
  } catch {
    return null;
  }
}

export function recordFromRow(row: SummaryRow & Partial<Selectable<RequestsTable>>): RequestRecord {
  return {
    requestId: row.request_id,
    name: row.name,
    body: row.request_body ?? '{}',
    status: row.status as RequestStatus,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    userId: row.user_id,
    userName: row.user_name,
    owner: row.owner,
    replicaId: row.replica_id,
    clusterName: row.cluster_name,
    scheduleType: row.schedule_type as ScheduleType,
    durable: row.durable === 1,
    returnValue: row.return_value ?? 'null',
    error: parseError(row.error),
    statusMsg: row.status_msg,
    shouldRetry: row.should_retry === 1,
    log: row.log ?? '',
  };
}

function rowFromRecord(record: RequestRecord): Selectable<RequestsTable> {
  return {
    request_id: record.requestId,
    name: record.name,
    request_body: record.body,
    status: record.status,
    created_at: record.createdAt,
    finished_at: record.finishedAt,
    return_value: record.returnValue,
    error: record.error ? JSON.stringify(record.error) : 'null',
    user_id: record.userId,
    user_name: record.userName,
    cluster_name: record.clusterName,
    schedule_type: record.scheduleType,
    status_msg: record.statusMsg,
    should_retry: record.shouldRetry ? 1 : 0,
    log: record.log,
    owner: record.owner,
    replica_id: record.replicaId,
    durable: record.durable ? 1 : 0,
  };
}

/** Request ids are letters, digits and dashes: a prefix of anything else matches none (and LIKE needs no escape). */
const ID_PREFIX = /^[A-Za-z0-9-]+$/;

export interface ListQuery {
  viewer: Viewer;
  requestIds?: string[] | null;
  /** `requestIds` are prefixes (upstream's `/api/status` matches id prefixes). */
  idPrefixes?: boolean;
  /** Only requests about this cluster (`sky api status --cluster`, API 38). */
  clusterName?: string | null;
  allStatus: boolean;
  limit: number;
  /** Only requests created before this time (epoch seconds): the next page of a listing. */
  before?: number | null;
}

export class RequestsTableOps {
  constructor(readonly store: Db<RequestsSchema>) {}

  private get db(): Kysely<RequestsSchema> {
    return this.store.kysely;
  }

  /** Every write goes through the store's `write`: a lock held elsewhere never stalls us. */
  private write<T>(fn: (db: Kysely<RequestsSchema>) => Promise<T>): Promise<T> {
    return this.store.write(fn);
  }

  /**
   * Reads of a shared store, written in one statement: accepted ones (PENDING), and finished ones,
   * which take the place of their accepted row unless it already finished (a cancel from elsewhere).
   * On PostgreSQL the commit does not wait for the WAL to reach the disk: a read's record is worth
   * minutes and is lost harmlessly in a database crash, while the other replicas' fetches of it wait
   * for this commit (a flush on a busy disk takes hundreds of milliseconds).
   */
  async insertMany(records: RequestRecord[]): Promise<void> {
    if (!records.length) return;
    const rows = records.map(rowFromRecord);
    const upsert = (db: Kysely<RequestsSchema>) =>
      db
        .insertInto('requests')
        .values(rows)
        .onConflict((oc) =>
          oc
            .column('request_id')
            .doUpdateSet((eb) => ({
              status: eb.ref('excluded.status'),
              return_value: eb.ref('excluded.return_value'),
              error: eb.ref('excluded.error'),
              finished_at: eb.ref('excluded.finished_at'),
              status_msg: eb.ref('excluded.status_msg'),
              should_retry: eb.ref('excluded.should_retry'),
              log: eb.ref('excluded.log'),
            }))
            .where('requests.status', 'not in', FINISHED),
        )
        .execute();
    if (this.store.kind !== 'postgres') {
      await this.write(upsert);
      return;
    }
    await this.store.writeTransaction(async (trx) => {
      await sql`SET LOCAL synchronous_commit TO OFF`.execute(trx);
      await upsert(trx);
    });
  }

  /** False when the id is taken. */
  async insert(record: RequestRecord): Promise<boolean> {
    const result = await this.write((db) =>
      db
        .insertInto('requests')
        .values(rowFromRecord(record))
        .onConflict((oc) => oc.column('request_id').doNothing())
        .executeTakeFirst(),
    );
    return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
  }

  async get(requestId: string): Promise<RequestRecord | null> {
    const row = await this.db.selectFrom('requests').selectAll().where('request_id', '=', requestId).executeTakeFirst();
    return row ? recordFromRow(row) : null;
  }

  /** Up to two requests the viewer may see whose id starts with `prefix` (two means ambiguous). */
  async findByPrefix(prefix: string, viewer: Viewer): Promise<RequestRecord[]> {
    let query = this.db
      .selectFrom('requests')
      .select(SUMMARY_COLUMNS)
      .where('request_id', '>=', prefix)
      .where('request_id', '<', `${prefix}\uffff`);
    if (!viewer.admin) query = query.where('owner', '=', viewer.principal);
    return (await query.limit(2).execute()).map(recordFromRow);
  }

  async setRunning(requestId: string): Promise<void> {
    await this.write((db) =>
      db
        .updateTable('requests')
        .set({ status: 'RUNNING' })
        .where('request_id', '=', requestId)
        .where('status', 'not in', FINISHED)
        .execute(),
    );
  }

  /**
   * Records the outcome once; false when the request had already finished (e.g. cancelled). With
   * `notify` (PostgreSQL: a store replicas share), the same statement NOTIFYs that channel with the
   * request id, which PostgreSQL sends as the row commits: a NOTIFY of its own came after the commit
   * and a wait for a free connection of a busy pool, long enough for another replica's fallback
   * poll to read the finished row first (seen once under a loaded three-worker test run).
   */
  async finish(record: RequestRecord, notify?: string): Promise<boolean> {
    const update = (db: Kysely<RequestsSchema>) =>
      db
        .updateTable('requests')
        .set({
          status: record.status,
          return_value: record.returnValue,
          error: record.error ? JSON.stringify(record.error) : 'null',
          finished_at: record.finishedAt,
          status_msg: record.statusMsg,
          should_retry: record.shouldRetry ? 1 : 0,
          log: record.log,
        })
        .where('request_id', '=', record.requestId)
        .where('status', 'not in', FINISHED);
    if (notify && this.store.kind === 'postgres') {
      const sent = await this.write((db) =>
        db
          .with('finished', (qc) => update(qc as Kysely<RequestsSchema>).returning('request_id'))
          .selectFrom('finished')
          .select(sql<string>`pg_notify(${notify}, finished.request_id)`.as('sent'))
          .execute(),
      );
      return sent.length > 0;
    }
    const result = await this.write((db) => update(db).executeTakeFirst());
    return result.numUpdatedRows > 0n;
  }

  async appendLogs(chunks: Map<string, string>): Promise<void> {
    if (!chunks.size) return;
    await this.store.writeTransaction(async (trx) => {
      for (const [id, text] of chunks) {
        await trx
          .updateTable('requests')
          .set({ log: sql<string>`${sql.ref('log')} || ${text}` })
          .where('request_id', '=', id)
          .execute();
      }
    });
  }

  async list(query: ListQuery): Promise<RequestRecord[]> {
    let q = this.db.selectFrom('requests').select(SUMMARY_COLUMNS);
    if (!query.viewer.admin) q = q.where('owner', '=', query.viewer.principal);
    const ids = query.requestIds;
    if (ids && query.idPrefixes) {
      const prefixes = ids.filter((id) => ID_PREFIX.test(id));
      q = q.where((eb) => eb.or(prefixes.length ? prefixes.map((id) => eb('request_id', 'like', `${id}%`)) : [eb('request_id', '=', '')]));
    } else if (ids) q = q.where('request_id', 'in', ids.length ? ids : ['']);
    if (query.clusterName) q = q.where('cluster_name', '=', query.clusterName);
    if (!query.allStatus) q = q.where('status', 'in', ['PENDING', 'RUNNING']);
    if (query.before != null) q = q.where('created_at', '<', query.before);
    return (await q.orderBy('created_at', 'desc').limit(query.limit).execute()).map(recordFromRow);
  }

  /**
   * Unfinished requests of replicas that are gone: ours from before a restart, or past their lease.
   * Each is reported as what it did: those whose change committed (`applied` says which, from the
   * record written with the change) SUCCEEDED; the others FAILED with `error`, retryable, since
   * nothing of theirs happened.
   */
  async failOrphans(replicaIds: string[], error: RequestError, applied: (ids: string[]) => Promise<Set<string>>): Promise<number> {
    if (!replicaIds.length) return 0;
    const orphans = await this.db
      .selectFrom('requests')
      .select(['request_id', 'durable'])
      .where('status', 'in', ['PENDING', 'RUNNING'])
      .where((eb) => eb.or([eb('replica_id', 'in', replicaIds), eb('replica_id', 'is', null)]))
      .execute();
    if (!orphans.length) return 0;
    const done = await applied(orphans.filter((o) => o.durable === 1).map((o) => o.request_id));
    const now = Date.now() / 1000;
    let changed = 0;
    for (let i = 0; i < orphans.length; i += ORPHANS_PER_STATEMENT) {
      const ids = orphans.slice(i, i + ORPHANS_PER_STATEMENT).map((o) => o.request_id);
      const succeeded = ids.filter((id) => done.has(id));
      const failed = ids.filter((id) => !done.has(id));
      const result = await this.write(async (db) => {
        let n = 0n;
        if (succeeded.length) {
          const r = await db
            .updateTable('requests')
            .set({ status: 'SUCCEEDED', return_value: 'null', error: 'null', finished_at: now, status_msg: RECOVERED_MSG })
            .where('request_id', 'in', succeeded)
            .where('status', 'in', ['PENDING', 'RUNNING'])
            .executeTakeFirst();
          n += r.numUpdatedRows;
        }
        if (failed.length) {
          const r = await db
            .updateTable('requests')
            .set({ status: 'FAILED', error: JSON.stringify(error), finished_at: now, should_retry: 1 })
            .where('request_id', 'in', failed)
            .where('status', 'in', ['PENDING', 'RUNNING'])
            .executeTakeFirst();
          n += r.numUpdatedRows;
        }
        return n;
      });
      changed += Number(result);
    }
    return changed;
  }

  /** Deletes finished requests older than their retention; at most `batch` rows a call. */
  async prune(durableBefore: number, readsBefore: number, batch: number): Promise<number> {
    const ids = await this.db
      .selectFrom('requests')
      .select('request_id')
      .where('status', 'in', FINISHED)
      .where((eb) =>
        eb.or([
          eb.and([eb('durable', '=', 1), eb('finished_at', '<', durableBefore)]),
          eb.and([eb('durable', '=', 0), eb('finished_at', '<', readsBefore)]),
        ]),
      )
      .limit(batch)
      .execute();
    return this.deleteIds(ids.map((r) => r.request_id));
  }

  /** Deletes the oldest finished requests, reads first: the size bound's last resort. */
  async pruneOldest(batch: number): Promise<number> {
    const ids = await this.db
      .selectFrom('requests')
      .select('request_id')
      .where('status', 'in', FINISHED)
      .orderBy('durable')
      .orderBy('finished_at')
      .limit(batch)
      .execute();
    return this.deleteIds(ids.map((r) => r.request_id));
  }

  private async deleteIds(ids: string[]): Promise<number> {
    if (!ids.length) return 0;
    const result = await this.write((db) => db.deleteFrom('requests').where('request_id', 'in', ids).executeTakeFirst());
    return Number(result.numDeletedRows);
  }

  /** Bytes the table's data takes (SQLite: used pages of the file; PostgreSQL: the relation). */
  async sizeBytes(): Promise<number> {
    if (this.store.kind === 'sqlite') {
      const { rows } = await sql<{ used: number }>`SELECT (page_count - freelist_count) * page_size AS used
        FROM pragma_page_count(), pragma_freelist_count(), pragma_page_size()`.execute(this.db);
      return Number(rows[0]?.used ?? 0);
    }
    const { rows } = await sql<{ size: number }>`SELECT pg_total_relation_size('requests') AS size`.execute(this.db);
    return Number(rows[0]?.size ?? 0);
  }

  /**
   * Now, by the clock that leases are judged by. Replicas of a PostgreSQL store run on several
   * hosts whose clocks may disagree by more than a lease: there the database's clock is the one
   * clock they share. An SQLite file is shared only on one host, under one clock.
   */
  private leaseClock() {
    return this.store.kind === 'postgres' ? sql<number>`EXTRACT(EPOCH FROM clock_timestamp())::double precision` : Date.now() / 1000;
  }

  async heartbeat(replicaId: string, startedAt: number): Promise<void> {
    const now = this.leaseClock();
    await this.write((db) =>
      db
        .insertInto('replicas')
        .values({ replica_id: replicaId, started_at: startedAt, heartbeat_at: now })
        .onConflict((oc) => oc.column('replica_id').doUpdateSet({ heartbeat_at: now, started_at: startedAt }))
        .execute(),
    );
  }

  /** Replicas whose last heartbeat is older than `leaseSeconds` (their requests can no longer finish). */
  async expiredReplicas(leaseSeconds: number): Promise<string[]> {
    const cutoff =
      this.store.kind === 'postgres'
        ? sql<number>`${this.leaseClock()} - ${leaseSeconds}::double precision`
        : Date.now() / 1000 - leaseSeconds;
    const rows = await this.db.selectFrom('replicas').select('replica_id').where('heartbeat_at', '<', cutoff).execute();
    return rows.map((r) => r.replica_id);
  }

  async forgetReplicas(replicaIds: string[]): Promise<void> {
    if (replicaIds.length) await this.write((db) => db.deleteFrom('replicas').where('replica_id', 'in', replicaIds).execute());
  }

  async removeReplica(replicaId: string): Promise<void> {
    await this.write((db) => db.deleteFrom('replicas').where('replica_id', '=', replicaId).execute());
  }
}
