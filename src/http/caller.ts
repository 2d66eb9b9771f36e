/**
 * The caller of a request, resolved through the `currentUser` seam: an authenticated user (a trusted
 * proxy header, when `authUserHeader` is configured) wins over the `env_vars` a client sends.
 */
import type { Request } from 'express';
import { currentUser, type Identity, userHashForName } from '../state/currentUser';

export function authUserOf(req: Request, authUserHeader: string | null): Identity | null {
  if (!authUserHeader) return null;
  const value = req.get(authUserHeader);
  return value ? { id: userHashForName(value), name: value } : null;
}

export function callerOf(req: Request, authUserHeader: string | null, envVars?: Record<string, unknown> | null):
  Identity {
  return currentUser.getCurrentUser({ authUser: authUserOf(req, authUserHeader), envVars: envVars ?? null });
}
