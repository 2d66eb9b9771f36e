/**
 * Session ids: 24 random bytes (192 bits) from the system's CSPRNG, base64url, so they cannot be
 * guessed or enumerated; anything else offered as an id is refused before it reaches a store.
 * Principals (who owns a request) carry a hash of the id, never the id: request rows are listed to
 * admins, and the id is the session's only credential.
 */
import { createHash, randomBytes } from 'node:crypto';

const ID_PATTERN = /^[A-Za-z0-9_-]{32}$/;

export function newSessionId(): string {
  return randomBytes(24).toString('base64url');
}

export function isSessionId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

export function sessionPrincipal(id: string): string {
  return `session:${createHash('sha256').update(id).digest('hex').slice(0, 16)}`;
}
