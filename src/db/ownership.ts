/**
 * Whether a database is ours, decided before anything is written to it (no WAL switch, no CREATE).
 * A generic table name proves nothing: Rails and golang-migrate keep a `schema_migrations` too, and
 * many programs have a `users` or `requests` table. So a store recognizes its database by its own
 * migrations table, with exactly the columns the migrator creates and only migrations it knows
 * recorded in it. Without that table the database must be new (no tables), a file of the first
 * releases (the legacy table, column for column), or, on PostgreSQL where the stores share one
 * database, one a sibling store has already recognized as its own the same way.
 *
 * The facts are gathered by each backend (openSqlite.ts, openPostgres.ts); the verdict is here, once.
 */

/** What a store's migrations leave behind, to recognize its database by. */
export interface StoreOwnership {
  /** The store's migrations table. */
  table: string;
  /** The migrations the store may have recorded (a newer release's higher versions are accepted). */
  migrations: readonly { version: number; name: string }[];
  /** A table the first releases created before they recorded migrations, with its exact columns. */
  legacy?: { table: string; columns: readonly string[] };
}

/** The columns the migrator gives every migrations table (src/db/migrator.ts). */
export const MIGRATIONS_TABLE_COLUMNS = ['version', 'name', 'applied_at'] as const;

/** What a backend read from the database (read-only queries), for the verdict. */
export interface OwnershipFacts {
  /** Every table, except the engine's own. */
  tables: readonly string[];
  /** Columns of the tables `tablesToInspect` named, those that exist. */
  columns: ReadonlyMap<string, readonly string[]>;
  /** Rows of the migrations tables among them whose columns are right. */
  applied: ReadonlyMap<string, readonly { version: number; name: string }[]>;
}

/** The tables whose columns a backend reads (`migrations`: and whose rows, if the columns are right). */
export function tablesToInspect(spec: StoreOwnership, siblings: readonly StoreOwnership[]): { table: string; migrations: boolean }[] {
  return [
    { table: spec.table, migrations: true },
    ...(spec.legacy ? [{ table: spec.legacy.table, migrations: false }] : []),
    ...siblings.map((s) => ({ table: s.table, migrations: true })),
  ];
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/** Whether a backend should read a migrations table's rows (only one of exactly our shape). */
export function hasMigrationsShape(columns: readonly string[]): boolean {
  return sameSet(columns, MIGRATIONS_TABLE_COLUMNS);
}

/** Why the table is not `spec`'s migrations table, or null when it is. */
function migrationsTableProblem(facts: OwnershipFacts, spec: StoreOwnership): string | null {
  const columns = facts.columns.get(spec.table) ?? [];
  if (!hasMigrationsShape(columns)) {
    return `its ${spec.table} table has columns ${columns.join(', ')}, not ${MIGRATIONS_TABLE_COLUMNS.join(', ')}`;
  }
  const known = new Map(spec.migrations.map((m) => [m.version, m.name]));
  const latest = Math.max(0, ...known.keys());
  for (const row of facts.applied.get(spec.table) ?? []) {
    const version = Number(row.version);
    // A version above ours is a newer release's (replicas upgrading one by one); anything else
    // must be a migration of ours, under its own name.
    if (Number.isInteger(version) && version > latest) continue;
    if (known.get(version) !== row.name) {
      return `its ${spec.table} table records migration ${String(row.version)} '${String(row.name).slice(0, 60)}', which is not skypilot-ts's`;
    }
  }
  return null;
}

function listed(tables: readonly string[]): string {
  return tables.slice(0, 5).join(', ') + (tables.length > 5 ? ', ...' : '');
}

/**
 * Null when the database is this store's (or new), else why not, as the tail of a one-line refusal.
 * `siblings`: other stores that may share the database (PostgreSQL); none for an SQLite file.
 */
export function ownershipProblem(
  facts: OwnershipFacts,
  spec: StoreOwnership,
  what: string,
  siblings: readonly StoreOwnership[] = [],
): string | null {
  const refuse = (why: string) => `not a skypilot-ts ${what} (${why}); refusing to change it`;
  const { tables } = facts;
  if (tables.includes(spec.table)) {
    const problem = migrationsTableProblem(facts, spec);
    return problem ? refuse(problem) : null;
  }
  if (!tables.length) return null;
  const legacy = spec.legacy;
  const others = tables.filter((t) => t !== legacy?.table);
  if (legacy && tables.includes(legacy.table)) {
    const columns = facts.columns.get(legacy.table) ?? [];
    if (!sameSet(columns, legacy.columns)) {
      return refuse(`its ${legacy.table} table has columns ${listed(columns)}, not skypilot-ts's, and there is no ${spec.table}`);
    }
    if (!others.length) return null;
  }
  for (const sibling of siblings) {
    if (tables.includes(sibling.table) && !migrationsTableProblem(facts, sibling)) return null;
  }
  return refuse(`it holds other tables: ${listed(others)}`);
}
