/**
 * Where a store lives: an SQLite file (the embedded default, nothing to set up) or a PostgreSQL
 * database (`SKYPILOT_DB_CONNECTION_URI`, upstream's variable), shared by every replica.
 */
export type DbTarget =
  | { kind: 'sqlite'; path: string /** The default location may be created; an explicit one must exist. */; createDir: boolean }
  | { kind: 'postgres'; uri: string };

export type DbKind = DbTarget['kind'];

/** A target for messages: the file, or the PostgreSQL URI without its password. */
export function describeTarget(target: DbTarget): string {
  if (target.kind === 'sqlite') return target.path;
  try {
    const url = new URL(target.uri);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return 'postgresql://(unparsable URI)';
  }
}

export function isPostgresUri(value: string | undefined): value is string {
  return !!value && /^postgres(ql)?:\/\//i.test(value);
}
