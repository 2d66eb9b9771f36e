/**
 * Migration 10: a history row keeps the reason of its cluster's latest status change (`last_event`)
 * beside it. The cost report returns it for every row, and finding it by a correlated lookup in
 * `cluster_events` per row cost as much as the rest of the query together (20,000 index probes for a
 * 30-day report at upstream's scale). Every event write keeps it in step (clusterEventRows.ts); the
 * backfill is one statement, the same lookup once per existing row.
 */
import { sql } from 'kysely';
import { addColumns } from '../db/createTable';
import type { Migration } from '../db/migrator';

export const HISTORY_LAST_EVENT_MIGRATION: Migration = {
  version: 10,
  name: 'history rows keep their latest status-change reason',
  async up(db) {
    await addColumns(db, 'cluster_history', { last_event: 'text' });
    await sql`update cluster_history set last_event = (
      select e.reason from cluster_events e
      where e.cluster_hash = cluster_history.cluster_hash and e.type = 'STATUS_CHANGE'
      order by e.transitioned_at desc, e.seq desc limit 1)`.execute(db);
  },
};
