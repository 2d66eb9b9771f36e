/**
 * Which requests changed the state, recorded in the very transaction of the change: a write the
 * server crashed in the middle of is then known to have happened (its record is there) or not (it is
 * not: the transaction rolled back, and a retry is safe). The request store asks this after a crash
 * (src/requests/requestJanitor.ts) and when a draining server gives up on a request.
 *
 * One ledger for both backends: the requests database is often another file (SQLite), so the
 * outcome cannot be written in the change's transaction; this record, in the state's own database,
 * always can. A record is kept as long as a finished durable request (pruned by the janitor).
 */
import type { Transaction } from 'kysely';
import { SkyPilotError } from '../errors';
import { currentEffectScope } from '../db/effectScope';
import type { StateSchema } from './stateSchema';
import { stateStore } from './stateStore';

/**
 * `work`, then the current request (if any) recorded in the same transaction. A request given up
 * meanwhile (cancelled, or failed by a draining server) changes nothing: its transaction rolls back.
 */
export function recordingEffect<T>(work: (trx: Transaction<StateSchema>) => Promise<T>): (trx: Transaction<StateSchema>) => Promise<T> {
  const scope = currentEffectScope();
  if (!scope) return work;
  return async (trx) => {
    const value = await work(trx);
    if (scope.signal.aborted) {
      throw new SkyPilotError(
        'RequestCancelled',
        `Request ${scope.requestId} was given up before its change committed; nothing was changed.`,
      );
    }
    await trx
      .insertInto('request_effects')
      .values({ request_id: scope.requestId, recorded_at: Date.now() / 1000 })
      .onConflict((oc) => oc.column('request_id').doNothing())
      .execute();
    return value;
  };
}

/** At most this many ids per look-up statement. */
const IDS_PER_QUERY = 500;

export const requestEffects = {
  /**
   * The requests among `ids` that committed a change. Asked inside a write transaction: it waits for
   * a change being committed now, so the answer cannot be overtaken by it.
   */
  async applied(ids: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    if (!ids.length) return found;
    const db = await stateStore.db();
    await db.writeTransaction(async (trx) => {
      for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
        const rows = await trx
          .selectFrom('request_effects')
          .select('request_id')
          .where('request_id', 'in', ids.slice(i, i + IDS_PER_QUERY))
          .execute();
        for (const row of rows) found.add(row.request_id);
      }
    });
    return found;
  },

  /** Forgets records older than `before` (epoch seconds); at most `batch` a call. */
  async prune(before: number, batch: number): Promise<number> {
    const db = await stateStore.db();
    const ids = await db.kysely.selectFrom('request_effects').select('request_id').where('recorded_at', '<', before).limit(batch).execute();
    if (!ids.length) return 0;
    const result = await db.write((k) =>
      k
        .deleteFrom('request_effects')
        .where(
          'request_id',
          'in',
          ids.map((r) => r.request_id),
        )
        .executeTakeFirst(),
    );
    return Number(result.numDeletedRows);
  },
};
