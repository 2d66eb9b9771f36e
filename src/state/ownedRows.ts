/** Listings of the tables whose rows a user owns, each row with its owner's name beside it. */
import type { Kysely, Selectable } from 'kysely';
import type { StateSchema } from './stateSchema';

/** The tables listed whole with their owners' names. */
type OwnedTable = 'recipes' | 'volumes';

export type OwnedRow<T extends OwnedTable> = Selectable<StateSchema[T]> & { user_name: string | null };

/** Every row of `table` in `order`, with its owner's name (`user_name`, null once that user is gone). */
export async function ownedRows<T extends OwnedTable>(
  db: Kysely<StateSchema>,
  table: T,
  order: readonly (readonly [column: keyof StateSchema[T] & string, direction: 'asc' | 'desc'])[],
): Promise<OwnedRow<T>[]> {
  // kysely cannot check a builder over a table chosen by a type parameter; the signature checks instead.
  const from: string = `${table} as t`;
  // biome-ignore lint/suspicious/noExplicitAny: see above
  let query = (db as Kysely<any>)
    .selectFrom(from)
    .leftJoin('users as u', 'u.id', 't.user_hash')
    .selectAll('t')
    .select('u.name as user_name');
  for (const [column, direction] of order) query = query.orderBy(`t.${column}`, direction);
  return (await query.execute()) as OwnedRow<T>[];
}
