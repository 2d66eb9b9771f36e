/**
 * Versioned schema migrations, applied in order inside one transaction each and recorded in
 * `schema_migrations`, so running them again (every start) is a no-op. Never edit a released
 * migration: add the next version.
 */
import type Database from 'better-sqlite3';

interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'clusters, history, events, users, config',
    sql: `
      CREATE TABLE clusters (
        name TEXT PRIMARY KEY,
        launched_at INTEGER NOT NULL,
        handle TEXT NOT NULL,
        last_use TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL,
        autostop INTEGER NOT NULL DEFAULT -1,
        to_down INTEGER NOT NULL DEFAULT 0,
        metadata TEXT NOT NULL DEFAULT '{}',
        owner TEXT,
        cluster_hash TEXT NOT NULL,
        storage_mounts_metadata TEXT,
        cluster_ever_up INTEGER NOT NULL DEFAULT 0,
        status_updated_at INTEGER,
        config_hash TEXT,
        user_hash TEXT,
        workspace TEXT NOT NULL DEFAULT 'default',
        last_creation_yaml TEXT,
        last_creation_command TEXT,
        is_managed INTEGER NOT NULL DEFAULT 0,
        provision_log_path TEXT
      );
      CREATE TABLE cluster_history (
        cluster_hash TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        num_nodes INTEGER NOT NULL,
        requested_resources TEXT,
        launched_resources TEXT NOT NULL,
        usage_intervals TEXT NOT NULL DEFAULT '[]',
        user_hash TEXT,
        last_creation_yaml TEXT,
        last_creation_command TEXT,
        workspace TEXT NOT NULL DEFAULT 'default',
        provision_log_path TEXT
      );
      CREATE TABLE cluster_events (
        cluster_hash TEXT NOT NULL,
        name TEXT NOT NULL,
        starting_status TEXT,
        ending_status TEXT,
        reason TEXT NOT NULL,
        transitioned_at INTEGER NOT NULL,
        type TEXT NOT NULL,
        PRIMARY KEY (cluster_hash, reason, transitioned_at)
      );
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        name TEXT,
        password TEXT,
        created_at INTEGER,
        user_type TEXT NOT NULL DEFAULT 'legacy'
      );
      CREATE TABLE user_roles (
        user_id TEXT PRIMARY KEY,
        role TEXT NOT NULL
      );
      CREATE TABLE config (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'cluster jobs and volumes',
    sql: `
      CREATE TABLE cluster_jobs (
        cluster_name TEXT NOT NULL,
        job_id INTEGER NOT NULL,
        job_name TEXT NOT NULL DEFAULT '',
        user_hash TEXT NOT NULL,
        submitted_at INTEGER NOT NULL,
        start_at INTEGER,
        end_at INTEGER,
        resources TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL,
        log_path TEXT NOT NULL DEFAULT '',
        metadata TEXT NOT NULL DEFAULT '{}',
        log TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (cluster_name, job_id)
      );
      CREATE TABLE volumes (
        name TEXT PRIMARY KEY,
        launched_at INTEGER NOT NULL,
        config TEXT NOT NULL,
        user_hash TEXT NOT NULL,
        workspace TEXT NOT NULL DEFAULT 'default',
        last_attached_at INTEGER,
        last_use TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'managed jobs',
    sql: `
      CREATE TABLE managed_jobs (
        job_id INTEGER PRIMARY KEY AUTOINCREMENT,
        task_id INTEGER NOT NULL DEFAULT 0,
        name TEXT NOT NULL,
        task_name TEXT NOT NULL,
        user_hash TEXT NOT NULL,
        workspace TEXT NOT NULL DEFAULT 'default',
        entrypoint TEXT NOT NULL DEFAULT '',
        user_yaml TEXT,
        status TEXT NOT NULL,
        schedule_state TEXT NOT NULL DEFAULT 'INACTIVE',
        submitted_at REAL NOT NULL,
        start_at REAL,
        end_at REAL,
        last_recovered_at REAL NOT NULL DEFAULT -1,
        recovery_count INTEGER NOT NULL DEFAULT 0,
        job_duration REAL NOT NULL DEFAULT 0,
        failure_reason TEXT,
        resources TEXT NOT NULL,
        num_nodes INTEGER NOT NULL DEFAULT 1,
        launched_resources TEXT,
        priority INTEGER NOT NULL DEFAULT 0,
        pool TEXT,
        current_cluster_name TEXT,
        log TEXT NOT NULL DEFAULT ''
      );
      CREATE INDEX managed_jobs_status ON managed_jobs (status);
    `,
  },
  {
    version: 4,
    name: 'ssh keys',
    sql: `
      CREATE TABLE ssh_key (
        user_hash TEXT PRIMARY KEY,
        ssh_public_key TEXT NOT NULL,
        ssh_private_key TEXT NOT NULL
      );
    `,
  },
];

export function runMigrations(db: Database.Database): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const ran: number[] = [];
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?');
  for (const migration of MIGRATIONS) {
    // Check inside the write transaction: two servers starting at once must not both apply it.
    db.transaction(() => {
      if (isApplied.get(migration.version)) return;
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
        .run(migration.version, migration.name, Math.floor(Date.now() / 1000));
      ran.push(migration.version);
    }).immediate();
  }
  return ran;
}
