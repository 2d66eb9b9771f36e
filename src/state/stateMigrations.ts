/**
 * The state database's migrations, for SQLite and PostgreSQL (see src/db/migrator.ts). Versions 1-4
 * reproduce the tables of the first SQLite-only releases column for column, so their files open
 * unchanged. Times are epoch seconds (`bigint`), fractional ones `double precision`.
 */
import type { Migration } from '../db/migrator';
import type { StoreOwnership } from '../db/ownership';

export const STATE_MIGRATIONS_TABLE = 'schema_migrations';

export const STATE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'clusters, history, events, users, config',
    async up(db) {
      await db.schema
        .createTable('clusters')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('launched_at', 'bigint', (c) => c.notNull())
        .addColumn('handle', 'text', (c) => c.notNull())
        .addColumn('last_use', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('autostop', 'integer', (c) => c.notNull().defaultTo(-1))
        .addColumn('to_down', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('metadata', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('owner', 'text')
        .addColumn('cluster_hash', 'text', (c) => c.notNull())
        .addColumn('storage_mounts_metadata', 'text')
        .addColumn('cluster_ever_up', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('status_updated_at', 'bigint')
        .addColumn('config_hash', 'text')
        .addColumn('user_hash', 'text')
        .addColumn('workspace', 'text', (c) => c.notNull().defaultTo('default'))
        .addColumn('last_creation_yaml', 'text')
        .addColumn('last_creation_command', 'text')
        .addColumn('is_managed', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('provision_log_path', 'text')
        .execute();
      await db.schema
        .createTable('cluster_history')
        .addColumn('cluster_hash', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('num_nodes', 'integer', (c) => c.notNull())
        .addColumn('requested_resources', 'text')
        .addColumn('launched_resources', 'text', (c) => c.notNull())
        .addColumn('usage_intervals', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('user_hash', 'text')
        .addColumn('last_creation_yaml', 'text')
        .addColumn('last_creation_command', 'text')
        .addColumn('workspace', 'text', (c) => c.notNull().defaultTo('default'))
        .addColumn('provision_log_path', 'text')
        .execute();
      await db.schema
        .createTable('cluster_events')
        .addColumn('cluster_hash', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('starting_status', 'text')
        .addColumn('ending_status', 'text')
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('transitioned_at', 'bigint', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('cluster_events_pk', ['cluster_hash', 'reason', 'transitioned_at'])
        .execute();
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text')
        .addColumn('password', 'text')
        .addColumn('created_at', 'bigint')
        .addColumn('user_type', 'text', (c) => c.notNull().defaultTo('legacy'))
        .execute();
      await db.schema
        .createTable('user_roles')
        .addColumn('user_id', 'text', (c) => c.primaryKey())
        .addColumn('role', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('config')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
    },
  },
  {
    version: 2,
    name: 'cluster jobs and volumes',
    async up(db) {
      await db.schema
        .createTable('cluster_jobs')
        .addColumn('cluster_name', 'text', (c) => c.notNull())
        .addColumn('job_id', 'integer', (c) => c.notNull())
        .addColumn('job_name', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('user_hash', 'text', (c) => c.notNull())
        .addColumn('submitted_at', 'bigint', (c) => c.notNull())
        .addColumn('start_at', 'bigint')
        .addColumn('end_at', 'bigint')
        .addColumn('resources', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('log_path', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('metadata', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('log', 'text', (c) => c.notNull().defaultTo(''))
        .addPrimaryKeyConstraint('cluster_jobs_pk', ['cluster_name', 'job_id'])
        .execute();
      await db.schema
        .createTable('volumes')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('launched_at', 'bigint', (c) => c.notNull())
        .addColumn('config', 'text', (c) => c.notNull())
        .addColumn('user_hash', 'text', (c) => c.notNull())
        .addColumn('workspace', 'text', (c) => c.notNull().defaultTo('default'))
        .addColumn('last_attached_at', 'bigint')
        .addColumn('last_use', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('status', 'text', (c) => c.notNull())
        .execute();
    },
  },
  {
    version: 3,
    name: 'managed jobs',
    async up(db, kind) {
      await db.schema
        .createTable('managed_jobs')
        .addColumn('job_id', kind === 'postgres' ? 'serial' : 'integer', (c) =>
          kind === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('task_id', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('task_name', 'text', (c) => c.notNull())
        .addColumn('user_hash', 'text', (c) => c.notNull())
        .addColumn('workspace', 'text', (c) => c.notNull().defaultTo('default'))
        .addColumn('entrypoint', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('user_yaml', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('schedule_state', 'text', (c) => c.notNull().defaultTo('INACTIVE'))
        .addColumn('submitted_at', 'double precision', (c) => c.notNull())
        .addColumn('start_at', 'double precision')
        .addColumn('end_at', 'double precision')
        .addColumn('last_recovered_at', 'double precision', (c) => c.notNull().defaultTo(-1))
        .addColumn('recovery_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('job_duration', 'double precision', (c) => c.notNull().defaultTo(0))
        .addColumn('failure_reason', 'text')
        .addColumn('resources', 'text', (c) => c.notNull())
        .addColumn('num_nodes', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('launched_resources', 'text')
        .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('pool', 'text')
        .addColumn('current_cluster_name', 'text')
        .addColumn('log', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await db.schema.createIndex('managed_jobs_status').on('managed_jobs').column('status').execute();
    },
  },
  {
    version: 4,
    name: 'ssh keys',
    async up(db) {
      await db.schema
        .createTable('ssh_key')
        .addColumn('user_hash', 'text', (c) => c.primaryKey())
        .addColumn('ssh_public_key', 'text', (c) => c.notNull())
        .addColumn('ssh_private_key', 'text', (c) => c.notNull())
        .execute();
    },
  },
  {
    version: 5,
    name: 'event order within a second; indexes for event lookups',
    async up(db) {
      // Two transitions in one second (launch, then stop) must still come back in order.
      await db.schema
        .alterTable('cluster_events')
        .addColumn('seq', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createIndex('cluster_events_by_hash')
        .ifNotExists()
        .on('cluster_events')
        .columns(['cluster_hash', 'type', 'transitioned_at'])
        .execute();
      await db.schema.createIndex('cluster_events_by_name').ifNotExists().on('cluster_events').columns(['name', 'type']).execute();
    },
  },
  {
    version: 6,
    name: 'storage objects and recipes',
    async up(db) {
      await db.schema
        .createTable('storage')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('launched_at', 'bigint', (c) => c.notNull())
        .addColumn('store', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('last_use', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('user_hash', 'text')
        .execute();
      await db.schema
        .createTable('recipes')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('description', 'text')
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('recipe_type', 'text', (c) => c.notNull())
        .addColumn('pinned', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('user_hash', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
];

/** How the state store recognizes its database (see src/db/ownership.ts). */
export const STATE_OWNERSHIP: StoreOwnership = { table: STATE_MIGRATIONS_TABLE, migrations: STATE_MIGRATIONS };
