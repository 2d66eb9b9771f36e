/**
 * Cluster events are written inside the transaction that changes the cluster, so a status change and
 * its reason are never seen apart. `seq` orders events that share a second.
 */
import type { Kysely } from 'kysely';
import type { ClusterEventType, ClusterStatus } from '../vocab/statuses';
import { nowSeconds } from './rowCodecs';
import type { StateSchema } from './stateSchema';

let lastSeq = 0;

/** Microseconds since the epoch, strictly increasing within this process. */
export function nextEventSeq(): number {
  lastSeq = Math.max(lastSeq + 1, Date.now() * 1000);
  return lastSeq;
}

export interface NewClusterEvent {
  clusterHash: string;
  name: string;
  endingStatus: ClusterStatus | null;
  reason: string;
  type: ClusterEventType;
}

export async function insertClusterEvent(db: Kysely<StateSchema>, event: NewClusterEvent): Promise<void> {
  const previous = await db
    .selectFrom('cluster_events')
    .select('ending_status')
    .where('cluster_hash', '=', event.clusterHash)
    .orderBy('transitioned_at', 'desc')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const inserted = await db
    .insertInto('cluster_events')
    .values({
      cluster_hash: event.clusterHash,
      name: event.name,
      starting_status: previous?.ending_status ?? null,
      ending_status: event.endingStatus,
      reason: event.reason,
      transitioned_at: nowSeconds(),
      type: event.type,
      seq: nextEventSeq(),
    })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  // The newest status change is the history row's `last_event` (migration 10); a conflicting event
  // (same reason, same second) was not inserted and so is not the newest.
  if (event.type === 'STATUS_CHANGE' && Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) {
    await db.updateTable('cluster_history').set({ last_event: event.reason }).where('cluster_hash', '=', event.clusterHash).execute();
  }
}

/** The reason of the latest status change of a cluster: a new history row's `last_event`. */
export async function latestStatusReason(db: Kysely<StateSchema>, clusterHash: string): Promise<string | null> {
  const row = await db
    .selectFrom('cluster_events')
    .select('reason')
    .where('cluster_hash', '=', clusterHash)
    .where('type', '=', 'STATUS_CHANGE')
    .orderBy('transitioned_at', 'desc')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.reason ?? null;
}
