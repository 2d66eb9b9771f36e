/**
 * Who is calling, resolved once per request:
 * - `identity`: the user the request acts as (SkyPilot's order: the authenticated user when auth is on;
 *   else the identity a client sends in `env_vars`; else this machine's user), through the
 *   `currentUser` seam, which the demo replaces;
 * - `viewer`: whose requests it may see. Without auth every caller is an admin, as upstream treats an
 *   unauthenticated server; with a trusted auth header the principal is that user and admins are
 *   those with the admin role; an extension (the demo) may name visitors itself, none of them admin;
 * - `clientApiVersion`: what the client declared, to pick the encoding old clients can decode.
 */
import { currentUser, type Identity, userHashForName } from '../state/currentUser';
import { globalUserState } from '../state/globalUserState';
import type { Viewer } from '../requests/requestRecord';
import { clientKind } from '../vocab/clientKind';
import { HEADERS } from '../vocab/headers';
import { parseApiVersion } from '../vocab/versions';
import type { AppContext } from './appContext';
import { clientAddress } from './clientAddress';
import { header, type HttpCall } from './httpCall';

export interface Caller {
  identity: Identity;
  viewer: Viewer;
  clientApiVersion: number | null;
  /** `X-SkyPilot-Version`: a version for the Python client, `dashboard;...` for the official dashboard. */
  clientVersion: string | null;
  address: string;
}

/** The official Python client declares a number; the dashboards and scripts are told apart by it. */
export function isPythonClient(caller: Pick<Caller, 'clientApiVersion' | 'clientVersion'>): boolean {
  return clientKind(caller) === 'python';
}

export function authUserOf(call: Pick<HttpCall, 'headers'>, authUserHeader: string | null): Identity | null {
  if (!authUserHeader) return null;
  const value = header(call, authUserHeader);
  return value ? { id: userHashForName(value), name: value } : null;
}

const ROLE_CACHE_MS = 10_000;
const ROLE_CACHE_MAX = 1000;
const roleCache = new Map<string, { admin: boolean; until: number }>();

/** Whether an authenticated user is an admin, cached briefly (role changes apply within seconds). */
async function isAdmin(userId: string): Promise<boolean> {
  const cached = roleCache.get(userId);
  if (cached && cached.until > Date.now()) return cached.admin;
  const admin = (await globalUserState.getUserRole(userId)) === 'admin';
  if (roleCache.size >= ROLE_CACHE_MAX) roleCache.clear();
  roleCache.set(userId, { admin, until: Date.now() + ROLE_CACHE_MS });
  return admin;
}

export async function resolveCaller(call: HttpCall, app: AppContext, envVars?: Record<string, unknown> | null): Promise<Caller> {
  const authUser = authUserOf(call, app.authUserHeader);
  const identity = currentUser.getCurrentUser({ authUser, envVars: envVars ?? null });
  const address = clientAddress(call.raw, app.trustProxy);
  const visitor = app.extensions.identifyVisitor({ call, address });
  let viewer: Viewer;
  if (visitor) viewer = visitor;
  else if (authUser) viewer = { principal: `user:${authUser.id}`, admin: await isAdmin(authUser.id) };
  else viewer = { principal: 'local', admin: true };
  return {
    identity,
    viewer,
    clientApiVersion: parseApiVersion(header(call, HEADERS.apiVersion)) ?? null,
    clientVersion: header(call, HEADERS.version) ?? null,
    address,
  };
}
