/**
 * The requests store (SkyPilot's `requests.db`): one row per scheduled request, kept after it finishes
 * so its result can be fetched again, also after a restart. Finished rows are pruned after the
 * retention period. `return_value` and `error` are stored as the JSON strings the wire carries.
 *
 * Request lifecycle: PENDING -> RUNNING -> SUCCEEDED | FAILED | CANCELLED ("finished").
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import type { RequestPayload, RequestStatusName, ScheduleType } from '../api/wireTypes';

export const FINISHED_STATUSES: ReadonlySet<RequestStatusName> = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

export interface NewRequest {
  requestId: string;
  name: string;
  body: unknown;
  userId: string;
  userName: string | null;
  clusterName: string | null;
  scheduleType: ScheduleType;
}

interface RequestRow {
  request_id: string;
  name: string;
  request_body: string;
  status: string;
  created_at: number;
  finished_at: number | null;
  return_value: string;
  error: string;
  user_id: string;
  user_name: string | null;
  cluster_name: string | null;
  schedule_type: string;
  status_msg: string | null;
  should_retry: number;
}

function toPayload(row: RequestRow): RequestPayload {
  return {
    request_id: row.request_id,
    name: row.name,
    entrypoint: row.name.replace(/^sky\./, ''),
    request_body: row.request_body,
    status: row.status as RequestStatusName,
    created_at: row.created_at,
    finished_at: row.finished_at,
    user_id: row.user_id,
    user_name: row.user_name,
    return_value: row.return_value,
    error: row.error,
    pid: process.pid,
    schedule_type: row.schedule_type as ScheduleType,
    cluster_name: row.cluster_name,
    status_msg: row.status_msg,
    should_retry: row.should_retry === 1,
  };
}

export class RequestStore {
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  /** Cached prepared statements: every scheduled request runs several of these. */
  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  constructor(dbPath: string) {
    if (dbPath !== ':memory:') fs.mkdirSync(path.dirname(dbPath), { recursive: true });
    this.db = new Database(dbPath);
    this.db.pragma('journal_mode = WAL');
    // WAL with NORMAL never corrupts; it may lose the last commits on power loss, which for request
    // records (clients retry) is worth a 100x cheaper commit than FULL.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`CREATE TABLE IF NOT EXISTS requests (
      request_id TEXT PRIMARY KEY, name TEXT NOT NULL, request_body TEXT NOT NULL, status TEXT NOT NULL,
      created_at REAL NOT NULL, finished_at REAL, return_value TEXT NOT NULL DEFAULT 'null',
      error TEXT NOT NULL DEFAULT 'null', user_id TEXT NOT NULL, user_name TEXT, cluster_name TEXT,
      schedule_type TEXT NOT NULL, status_msg TEXT, should_retry INTEGER NOT NULL DEFAULT 0,
      log TEXT NOT NULL DEFAULT '');
      CREATE INDEX IF NOT EXISTS requests_status ON requests (status);
      CREATE INDEX IF NOT EXISTS requests_created ON requests (created_at);`);
  }

  /** Inserts the request; returns null when the id is taken (a client retrying the same request). */
  create(request: NewRequest): RequestPayload | null {
    const result = this.sql(`INSERT OR IGNORE INTO requests (request_id, name, request_body, status,
        created_at, user_id, user_name, cluster_name, schedule_type) VALUES (?, ?, ?, 'PENDING', ?, ?, ?, ?, ?)`)
      .run(request.requestId, request.name, JSON.stringify(request.body ?? null), Date.now() / 1000,
        request.userId, request.userName, request.clusterName, request.scheduleType);
    return result.changes === 0 ? null : this.get(request.requestId);
  }

  get(requestId: string): RequestPayload | null {
    const row = this.sql('SELECT * FROM requests WHERE request_id = ?').get(requestId) as RequestRow | undefined;
    return row ? toPayload(row) : null;
  }

  /** Exact id, else a unique prefix; `ambiguous` when the prefix matches more than one. */
  find(idOrPrefix: string): RequestPayload | 'ambiguous' | null {
    const exact = this.get(idOrPrefix);
    if (exact) return exact;
    const rows = this.sql(`SELECT * FROM requests WHERE request_id >= ? AND request_id < ? LIMIT 2`)
      .all(idOrPrefix, `${idOrPrefix}\uffff`) as RequestRow[];
    if (rows.length > 1) return 'ambiguous';
    return rows.length ? toPayload(rows[0]) : null;
  }

  setStatus(requestId: string, status: RequestStatusName): void {
    this.sql('UPDATE requests SET status = ? WHERE request_id = ? AND status NOT IN (\'SUCCEEDED\', \'FAILED\', \'CANCELLED\')')
      .run(status, requestId);
  }

  /** Records the outcome once; a request that already finished (e.g. cancelled) keeps its outcome. */
  finish(requestId: string, status: RequestStatusName, returnValue: unknown, error: unknown): boolean {
    const result = this.sql(`UPDATE requests SET status = ?, return_value = ?, error = ?, finished_at = ?
        WHERE request_id = ? AND status NOT IN ('SUCCEEDED', 'FAILED', 'CANCELLED')`)
      .run(status, JSON.stringify(returnValue ?? null), JSON.stringify(error ?? null), Date.now() / 1000, requestId);
    return result.changes > 0;
  }

  appendLog(requestId: string, text: string): void {
    this.sql('UPDATE requests SET log = log || ? WHERE request_id = ?').run(text, requestId);
  }

  getLog(requestId: string): string {
    const row = this.sql('SELECT log FROM requests WHERE request_id = ?').get(requestId) as
      { log: string } | undefined;
    return row?.log ?? '';
  }

  latest(): RequestPayload | null {
    const row = this.sql('SELECT * FROM requests ORDER BY created_at DESC LIMIT 1').get() as
      RequestRow | undefined;
    return row ? toPayload(row) : null;
  }

  list(options: { requestIds?: string[] | null; allStatus?: boolean; limit?: number | null; userId?: string | null }):
    RequestPayload[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (options.requestIds) {
      where.push(`request_id IN (${options.requestIds.map(() => '?').join(', ')})`);
      params.push(...options.requestIds);
    }
    if (!options.allStatus) where.push(`status IN ('PENDING', 'RUNNING')`);
    if (options.userId) {
      where.push('user_id = ?');
      params.push(options.userId);
    }
    const sql = `SELECT * FROM requests ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY created_at DESC ${options.limit ? 'LIMIT ?' : ''}`;
    if (options.limit) params.push(options.limit);
    return (this.db.prepare(sql).all(...params) as RequestRow[]).map(toPayload);
  }

  /** Unfinished rows left by a previous process can never finish: fail them with a clear reason. */
  failInterrupted(): number {
    const error = JSON.stringify({ type: 'ServerRestarted', message: 'The API server restarted before this request finished.' });
    return this.sql(`UPDATE requests SET status = 'FAILED', error = ?, finished_at = ?
      WHERE status IN ('PENDING', 'RUNNING')`).run(error, Date.now() / 1000).changes;
  }

  pruneFinished(olderThanSeconds: number): number {
    const cutoff = Date.now() / 1000 - olderThanSeconds;
    return this.sql(`DELETE FROM requests WHERE status IN ('SUCCEEDED', 'FAILED', 'CANCELLED')
      AND finished_at < ?`).run(cutoff).changes;
  }

  close(): void {
    this.db.close();
  }
}
