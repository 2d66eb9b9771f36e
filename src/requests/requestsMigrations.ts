/**
 * The requests database's migrations. Version 1 is the table of the first releases (created only if
 * missing, so their files open unchanged); version 2 adds ownership (privacy), replica leases and the
 * durable flag that decides retention.
 */
import { createTable } from '../db/createTable';
import type { Migration } from '../db/migrator';
import type { StoreOwnership } from '../db/ownership';

export const REQUESTS_MIGRATIONS_TABLE = 'requests_schema_migrations';

/** The `requests` table of the first releases, which recorded no migrations: version 1, column for column. */
const FIRST_RELEASE_COLUMNS = [
  'request_id',
  'name',
  'request_body',
  'status',
  'created_at',
  'finished_at',
  'return_value',
  'error',
  'user_id',
  'user_name',
  'cluster_name',
  'schedule_type',
  'status_msg',
  'should_retry',
  'log',
] as const;

export const REQUESTS_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'requests',
    async up(db) {
      await createTable(db, 'requests', {
        request_id: 'text primary key',
        name: 'text not null',
        request_body: 'text not null',
        status: 'text not null',
        created_at: 'double precision not null',
        finished_at: 'double precision',
        return_value: "text default 'null' not null",
        error: "text default 'null' not null",
        user_id: 'text not null',
        user_name: 'text',
        cluster_name: 'text',
        schedule_type: 'text not null',
        status_msg: 'text',
        should_retry: 'integer default 0 not null',
        log: "text default '' not null",
      })
        .ifNotExists()
        .execute();
      await db.schema.createIndex('requests_status').ifNotExists().on('requests').column('status').execute();
      await db.schema.createIndex('requests_created').ifNotExists().on('requests').column('created_at').execute();
    },
  },
  {
    version: 2,
    name: 'owners, replicas and retention classes',
    async up(db) {
      await db.schema.alterTable('requests').addColumn('owner', 'text').execute();
      await db.schema.alterTable('requests').addColumn('replica_id', 'text').execute();
      await db.schema
        .alterTable('requests')
        .addColumn('durable', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema.createIndex('requests_owner_created').on('requests').columns(['owner', 'created_at']).execute();
      await db.schema.createIndex('requests_finished').on('requests').columns(['durable', 'finished_at']).execute();
      await createTable(db, 'replicas', {
        replica_id: 'text primary key',
        started_at: 'double precision not null',
        heartbeat_at: 'double precision not null',
      }).execute();
    },
  },
];

/** How the requests store recognizes its database (see src/db/ownership.ts). */
export const REQUESTS_OWNERSHIP: StoreOwnership = {
  table: REQUESTS_MIGRATIONS_TABLE,
  migrations: REQUESTS_MIGRATIONS,
  legacy: { table: 'requests', columns: FIRST_RELEASE_COLUMNS },
};
