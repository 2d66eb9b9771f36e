/**
 * Who may call an endpoint and what it does, as every entry of the endpoint table declares it, and
 * the one check that enforces it (`endpoint.ts` runs it before any endpoint code).
 *
 * Roles are upstream's (`sky/users/rbac.py`): an admin may call everything; a user everything but
 * user and workspace management (upstream's user blocklist), and only on their own clusters unless
 * admin; a viewer only the reads on upstream's viewer allowlist (default deny: an endpoint is for
 * viewers only when its entry says so). `public` is for the probes, which answer anyone, even
 * without an identity on a server with auth.
 */
import { HttpError } from '../errors';
import type { UserRole } from '../vocab/statuses';

export type Effect = 'read' | 'write';
export type Need = 'public' | UserRole;

const RANK: Readonly<Record<Need, number>> = { public: 0, viewer: 1, user: 2, admin: 3 };

/** What an entry needs: its declared role, by default `user` (default deny for viewers). */
export function roleNeeded(access: { role?: Need }): Need {
  return access.role ?? 'user';
}

export function mayCall(role: UserRole, need: Need): boolean {
  return RANK[role] >= RANK[need];
}

/** A caller whose role does not reach the endpoint's. */
export function permissionDenied(role: UserRole, what: string): HttpError {
  return new HttpError(403, 'permission_denied', 'Forbidden', `Permission denied: the ${role} role may not call ${what}.`);
}

/** No identity on a server that requires one. */
export function notAuthenticated(why: string): HttpError {
  return new HttpError(401, 'not_authenticated', 'Unauthorized', `Authentication required: ${why}.`);
}

/** A service-account bearer token that does not count (malformed, forged, expired, revoked, or tokens off). */
export function invalidToken(why: string): HttpError {
  return new HttpError(401, 'invalid_token', 'Unauthorized', `Service-account token rejected: ${why}.`);
}
