/**
 * Session ids: 18 random bytes (144 bits) from the system's CSPRNG and a 6-byte HMAC of them under
 * this process's secret, base64url, so they cannot be guessed or enumerated, and an id this server
 * never issued is told apart from one that expired (only those may be replaced by a fresh session:
 * see sessionResolver.ts); anything else offered as an id is refused before it reaches a store.
 * Principals (who owns a request) carry a hash of the id, never the id: request rows are listed to
 * admins, and the id is the session's only credential.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const ID_PATTERN = /^[A-Za-z0-9_-]{32}$/;
const RANDOM_BYTES = 18;
const MAC_BYTES = 6;
/**
 * Per process: a replica cannot vouch for another's ids, so an expired id from elsewhere gets a
 * fresh session that the old id does not lead to (live sessions are found in the store, any replica).
 */
const SECRET = randomBytes(32);

const macOf = (random: Buffer) => createHmac('sha256', SECRET).update(random).digest().subarray(0, MAC_BYTES);

export function newSessionId(): string {
  const random = randomBytes(RANDOM_BYTES);
  return Buffer.concat([random, macOf(random)]).toString('base64url');
}

/** Whether this process issued `id` (it may since have expired or ended). */
export function wasIssuedHere(id: string): boolean {
  if (!isSessionId(id)) return false;
  const bytes = Buffer.from(id, 'base64url');
  return timingSafeEqual(bytes.subarray(RANDOM_BYTES), macOf(bytes.subarray(0, RANDOM_BYTES)));
}

export function isSessionId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

export function sessionPrincipal(id: string): string {
  return `session:${createHash('sha256').update(id).digest('hex').slice(0, 16)}`;
}
