/**
 * Tables as migrations declare them: the columns as SQL definitions, in order, e.g.
 * `{ name: 'text primary key', launched_at: 'bigint not null' }`, read like the `CREATE TABLE` they
 * make. Definitions are written as kysely's builder renders them (type, default, not null, primary
 * key), so a table declared here is, to the letter, the one the builder calls of earlier releases made.
 */
import { type CreateTableBuilder, type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: a migration builds the schema that the typed stores then describe
export type UntypedDb = Kysely<any>;

export type ColumnDefinitions = Readonly<Record<string, string>>;

/** The `CREATE TABLE` builder with every column added; the caller adds constraints and executes it. */
export function createTable(db: UntypedDb, table: string, columns: ColumnDefinitions): CreateTableBuilder<string, string> {
  let builder: CreateTableBuilder<string, string> = db.schema.createTable(table);
  for (const [name, definition] of Object.entries(columns)) builder = builder.addColumn(name, sql.raw(definition));
  return builder;
}

/** Columns added to a table that exists, one `ALTER TABLE` each, declared as `createTable`'s are. */
export async function addColumns(db: UntypedDb, table: string, columns: ColumnDefinitions): Promise<void> {
  for (const [name, definition] of Object.entries(columns)) {
    await db.schema.alterTable(table).addColumn(name, sql.raw(definition)).execute();
  }
}
