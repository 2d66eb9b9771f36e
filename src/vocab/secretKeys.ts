/**
 * Which config keys hold secrets. The server config is shown to admins in the dashboard's settings
 * page (`GET /workspaces/config`); values under these keys never leave the server, and the demo's
 * fixture may not contain them at all. A key is secret when a word of it says so: `password`,
 * `aws_secret_access_key`, `api_token`, `private_key`, `credentials` (a file of them).
 */
export const SECRET_KEY_PATTERN =
  /(^|[_\-.])(pass(word|wd)?|secrets?|tokens?|private[_\-.]?key|credentials?|api[_\-.]?key|access[_\-.]?key|client[_\-.]?secret)([_\-.]|$)/i;

/** What a secret value is replaced with; a config saved back with it keeps the stored value. */
export const REDACTED = '<redacted>';

export function isSecretKey(key: string): boolean {
  return SECRET_KEY_PATTERN.test(key);
}

/** A copy of `value` with every secret-keyed entry, at any depth, replaced by REDACTED. */
export function redactSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v)) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isSecretKey(k) ? REDACTED : redactSecrets(v)])) as T;
}

/**
 * `incoming` with every REDACTED value put back from `stored` at the same place, so saving a config
 * that was shown redacted does not wipe its secrets.
 */
export function restoreRedacted(incoming: unknown, stored: unknown): unknown {
  if (incoming === REDACTED) return stored;
  if (Array.isArray(incoming)) return incoming.map((v, i) => restoreRedacted(v, Array.isArray(stored) ? stored[i] : undefined));
  if (incoming === null || typeof incoming !== 'object') return incoming;
  const from = stored !== null && typeof stored === 'object' && !Array.isArray(stored) ? (stored as Record<string, unknown>) : {};
  return Object.fromEntries(Object.entries(incoming).map(([k, v]) => [k, restoreRedacted(v, from[k])]));
}

/** The dotted paths of secret keys in `value` (for refusing a fixture that has any). */
export function secretPaths(value: unknown, at = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => secretPaths(v, `${at}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const here = at ? `${at}.${k}` : k;
    return isSecretKey(k) ? [here] : secretPaths(v, here);
  });
}
