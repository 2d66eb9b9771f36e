/**
 * The SQLite connection behind the state seams. Opened lazily, on the first state call or on
 * `globalUserState.init()`, never on import: a process whose state functions are all replaced
 * (demo mode) never touches the file.
 *
 * Path: `init({ dbPath })`, else `SKYPILOT_STATE_DB`, else `~/.sky/state.db`.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runMigrations } from './migrations';

let connection: Database.Database | null = null;
let openedPath: string | null = null;
// Prepared statements of the open connection, by SQL text; bounded because filter lists vary in length.
const statements = new Map<string, Database.Statement>();
const MAX_CACHED_STATEMENTS = 500;

export function defaultStateDbPath(): string {
  return process.env.SKYPILOT_STATE_DB || path.join(os.homedir(), '.sky', 'state.db');
}

export function openStateDb(dbPath = defaultStateDbPath()): Database.Database {
  if (connection && openedPath === dbPath) return connection;
  closeStateDb();
  if (dbPath !== ':memory:') fs.mkdirSync(path.dirname(dbPath), { recursive: true });
  const db = new Database(dbPath);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  runMigrations(db);
  connection = db;
  openedPath = dbPath;
  return db;
}

/** The open connection, opening the default path on first use. */
export function stateDb(): Database.Database {
  return connection ?? openStateDb();
}

/** A prepared statement on the open connection, cached: preparing is a noticeable cost per request. */
export function prepared(sql: string): Database.Statement {
  const db = stateDb();
  let statement = statements.get(sql);
  if (!statement) {
    if (statements.size >= MAX_CACHED_STATEMENTS) statements.clear();
    statement = db.prepare(sql);
    statements.set(sql, statement);
  }
  return statement;
}

export function closeStateDb(): void {
  statements.clear();
  connection?.close();
  connection = null;
  openedPath = null;
}

export function stateDbPath(): string | null {
  return openedPath;
}
