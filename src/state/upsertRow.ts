/** The one way the state families write a row keyed by a unique column: insert, or update in place. */
import type { Insertable, Kysely, Updateable } from 'kysely';
import type { StateSchema } from './stateSchema';

/**
 * Inserts `row` into `table`, or, when a row with the same `key` exists, sets `changes` on it; one
 * statement, so two writers of the same key cannot both insert.
 */
export async function upsertRow<T extends keyof StateSchema & string>(
  db: Kysely<StateSchema>,
  table: T,
  key: keyof StateSchema[T] & string,
  row: Insertable<StateSchema[T]>,
  changes: Updateable<StateSchema[T]>,
): Promise<void> {
  // kysely cannot check a builder over a table chosen by a type parameter; the signature checks instead.
  await db
    .insertInto(table)
    .values(row as never)
    .onConflict((oc) => oc.column(key as never).doUpdateSet(changes as never))
    .execute();
}
