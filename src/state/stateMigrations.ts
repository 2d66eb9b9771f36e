/**
 * The state database's migrations, for SQLite and PostgreSQL (see src/db/migrator.ts). Versions 1-4
 * reproduce the tables of the first SQLite-only releases column for column, so their files open
 * unchanged. Times are epoch seconds (`bigint`), fractional ones `double precision`.
 */
import { addColumns, createTable } from '../db/createTable';
import type { Migration } from '../db/migrator';
import type { StoreOwnership } from '../db/ownership';
import { historyTimes } from './historyColumns';
import { HISTORY_LAST_EVENT_MIGRATION } from './historyLastEventMigration';
import { MANAGED_JOB_RUN_COLUMNS } from './managedJobRunColumns';
import { MANAGED_JOB_TASKS_MIGRATION } from './managedJobTasksMigration';
import type { UsageInterval } from './records';

/** History rows backfilled per statement batch by migration 7. */
const BACKFILL_BATCH = 2_000;

export const STATE_MIGRATIONS_TABLE = 'schema_migrations';

export const STATE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'clusters, history, events, users, config',
    async up(db) {
      await createTable(db, 'clusters', {
        name: 'text primary key',
        launched_at: 'bigint not null',
        handle: 'text not null',
        last_use: "text default '' not null",
        status: 'text not null',
        autostop: 'integer default -1 not null',
        to_down: 'integer default 0 not null',
        metadata: "text default '{}' not null",
        owner: 'text',
        cluster_hash: 'text not null',
        storage_mounts_metadata: 'text',
        cluster_ever_up: 'integer default 0 not null',
        status_updated_at: 'bigint',
        config_hash: 'text',
        user_hash: 'text',
        workspace: "text default 'default' not null",
        last_creation_yaml: 'text',
        last_creation_command: 'text',
        is_managed: 'integer default 0 not null',
        provision_log_path: 'text',
      }).execute();
      await createTable(db, 'cluster_history', {
        cluster_hash: 'text primary key',
        name: 'text not null',
        num_nodes: 'integer not null',
        requested_resources: 'text',
        launched_resources: 'text not null',
        usage_intervals: "text default '[]' not null",
        user_hash: 'text',
        last_creation_yaml: 'text',
        last_creation_command: 'text',
        workspace: "text default 'default' not null",
        provision_log_path: 'text',
      }).execute();
      await createTable(db, 'cluster_events', {
        cluster_hash: 'text not null',
        name: 'text not null',
        starting_status: 'text',
        ending_status: 'text',
        reason: 'text not null',
        transitioned_at: 'bigint not null',
        type: 'text not null',
      })
        .addPrimaryKeyConstraint('cluster_events_pk', ['cluster_hash', 'reason', 'transitioned_at'])
        .execute();
      await createTable(db, 'users', {
        id: 'text primary key',
        name: 'text',
        password: 'text',
        created_at: 'bigint',
        user_type: "text default 'legacy' not null",
      }).execute();
      await createTable(db, 'user_roles', {
        user_id: 'text primary key',
        role: 'text not null',
      }).execute();
      await createTable(db, 'config', {
        key: 'text primary key',
        value: 'text not null',
      }).execute();
    },
  },
  {
    version: 2,
    name: 'cluster jobs and volumes',
    async up(db) {
      await createTable(db, 'cluster_jobs', {
        cluster_name: 'text not null',
        job_id: 'integer not null',
        job_name: "text default '' not null",
        user_hash: 'text not null',
        submitted_at: 'bigint not null',
        start_at: 'bigint',
        end_at: 'bigint',
        resources: "text default '' not null",
        status: 'text not null',
        log_path: "text default '' not null",
        metadata: "text default '{}' not null",
        log: "text default '' not null",
      })
        .addPrimaryKeyConstraint('cluster_jobs_pk', ['cluster_name', 'job_id'])
        .execute();
      await createTable(db, 'volumes', {
        name: 'text primary key',
        launched_at: 'bigint not null',
        config: 'text not null',
        user_hash: 'text not null',
        workspace: "text default 'default' not null",
        last_attached_at: 'bigint',
        last_use: "text default '' not null",
        status: 'text not null',
      }).execute();
    },
  },
  {
    version: 3,
    name: 'managed jobs',
    async up(db, kind) {
      await createTable(db, 'managed_jobs', {
        job_id: kind === 'postgres' ? 'serial primary key' : 'integer primary key autoincrement',
        task_id: 'integer default 0 not null',
        name: 'text not null',
        task_name: 'text not null',
        user_hash: 'text not null',
        workspace: "text default 'default' not null",
        entrypoint: "text default '' not null",
        user_yaml: 'text',
        status: 'text not null',
        schedule_state: "text default 'INACTIVE' not null",
        submitted_at: 'double precision not null',
        ...MANAGED_JOB_RUN_COLUMNS,
        priority: 'integer default 0 not null',
        pool: 'text',
        current_cluster_name: 'text',
        log: "text default '' not null",
      }).execute();
      await db.schema.createIndex('managed_jobs_status').on('managed_jobs').column('status').execute();
    },
  },
  {
    version: 4,
    name: 'ssh keys',
    async up(db) {
      await createTable(db, 'ssh_key', {
        user_hash: 'text primary key',
        ssh_public_key: 'text not null',
        ssh_private_key: 'text not null',
      }).execute();
    },
  },
  {
    version: 5,
    name: 'event order within a second; indexes for event lookups',
    async up(db) {
      // Two transitions in one second (launch, then stop) must still come back in order.
      await addColumns(db, 'cluster_events', { seq: 'bigint default 0 not null' });
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
      await createTable(db, 'storage', {
        name: 'text primary key',
        launched_at: 'bigint not null',
        store: "text default '[]' not null",
        last_use: "text default '' not null",
        status: 'text not null',
        user_hash: 'text',
      }).execute();
      await createTable(db, 'recipes', {
        name: 'text primary key',
        description: 'text',
        content: 'text not null',
        recipe_type: 'text not null',
        pinned: 'integer default 0 not null',
        user_hash: 'text',
        created_at: 'bigint not null',
        updated_at: 'bigint not null',
      }).execute();
    },
  },
  {
    version: 7,
    name: 'history times and indexes for the filters clients use',
    async up(db) {
      // The cost report's `days` and its order, answered by index (see historyColumns.ts).
      await addColumns(db, 'cluster_history', {
        launched_at: 'double precision default 0 not null',
        active_until: 'double precision default 0 not null',
      });
      let after = '';
      for (;;) {
        const rows = (await db
          .selectFrom('cluster_history')
          .select(['cluster_hash', 'usage_intervals'])
          .where('cluster_hash', '>', after)
          .orderBy('cluster_hash')
          .limit(BACKFILL_BATCH)
          .execute()) as { cluster_hash: string; usage_intervals: string }[];
        if (!rows.length) break;
        for (const row of rows) {
          const times = historyTimes(JSON.parse(row.usage_intervals || '[]') as UsageInterval[]);
          await db.updateTable('cluster_history').set(times).where('cluster_hash', '=', row.cluster_hash).execute();
        }
        after = rows[rows.length - 1].cluster_hash;
      }
      // `<table>_by_<what>` on one column each; history rows join their live cluster (its status) by hash.
      const indexes: Record<string, Record<string, string>> = {
        cluster_history: { activity: 'active_until', launch: 'launched_at', name: 'name', user: 'user_hash', workspace: 'workspace' },
        clusters: { hash: 'cluster_hash', user: 'user_hash', workspace: 'workspace' },
        managed_jobs: { status: 'status', user: 'user_hash', workspace: 'workspace', name: 'name' },
      };
      for (const [table, byWhat] of Object.entries(indexes)) {
        for (const [what, column] of Object.entries(byWhat)) {
          await db.schema.createIndex(`${table}_by_${what}`).ifNotExists().on(table).column(column).execute();
        }
      }
    },
  },
  MANAGED_JOB_TASKS_MIGRATION,
  {
    version: 9,
    name: 'request effects: which requests committed a change',
    async up(db) {
      // Written in the same transaction as the change itself (requestEffects.ts).
      await createTable(db, 'request_effects', {
        request_id: 'text primary key',
        recorded_at: 'double precision not null',
      }).execute();
      // The janitor's pruning finds old records by time.
      await db.schema.createIndex('request_effects_by_time').ifNotExists().on('request_effects').column('recorded_at').execute();
    },
  },
  HISTORY_LAST_EVENT_MIGRATION,
  {
    version: 11,
    name: 'service-account tokens',
    async up(db) {
      // Upstream's `service_account_tokens`, column for column: only the token's sha256 is kept.
      await createTable(db, 'service_account_tokens', {
        token_id: 'text primary key',
        token_name: 'text not null',
        token_hash: 'text not null',
        created_at: 'bigint not null',
        last_used_at: 'bigint',
        expires_at: 'bigint',
        creator_user_hash: 'text not null',
        service_account_user_id: 'text not null',
      }).execute();
      // Every authenticated request looks its token up by hash (upstream's migration 017).
      await db.schema
        .createIndex('service_account_tokens_by_hash')
        .ifNotExists()
        .unique()
        .on('service_account_tokens')
        .column('token_hash')
        .execute();
    },
  },
];

/** How the state store recognizes its database (see src/db/ownership.ts). */
export const STATE_OWNERSHIP: StoreOwnership = { table: STATE_MIGRATIONS_TABLE, migrations: STATE_MIGRATIONS };
