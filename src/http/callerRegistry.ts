/**
 * Callers are recorded in the users table, as SkyPilot records every request's user, so the users
 * page lists them. Bookkeeping of the request plumbing (scheduled.ts calls it), not a business rule,
 * so it lives below the operations.
 */
import type { Identity } from '../state/currentUser';
import { globalUserState } from '../state/globalUserState';

const SEEN_CALLERS_MAX = 10_000;
const SEEN_CALLERS_MS = 60_000;
const seenCallers = new Map<string, number>();

/**
 * Records a caller in the users table, as SkyPilot does for every request, so the users page lists
 * them. A caller seen within the last minute under the same name is not written again: registering
 * is bookkeeping, and a write per read would make every `/status` a database write.
 */
export async function registerCaller(identity: Identity): Promise<void> {
  const key = `${identity.id}\u0000${identity.name}`;
  const seenAt = seenCallers.get(key);
  if (seenAt !== undefined && Date.now() - seenAt < SEEN_CALLERS_MS) return;
  await globalUserState.addOrUpdateUser({ id: identity.id, name: identity.name });
  if (seenCallers.size >= SEEN_CALLERS_MAX) seenCallers.clear();
  seenCallers.set(key, Date.now());
}
