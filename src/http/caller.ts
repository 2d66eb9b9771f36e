/**
 * Who is calling, resolved once per request:
 * - `identity`: the user the request acts as (SkyPilot's order: the authenticated user when auth is on;
 *   else the identity a client sends in `env_vars`; else this machine's user), through the
 *   `currentUser` seam, which the demo replaces;
 * - `viewer`: whose requests it may see, and the role the endpoint table's check uses. Without auth
 *   every caller is an admin, as upstream treats an unauthenticated server; with a trusted auth
 *   header the principal is that user and the role is theirs (`user` until one is stored), and a
 *   request without the header has no identity at all: 401, never admin; a service-account bearer
 *   token (bearerAuth.ts) is its account, with the account's role, whether or not the server has
 *   the header setting; an extension (the demo) may name visitors itself, none of them admin;
 * - `clientApiVersion`: what the client declared, to pick the encoding old clients can decode.
 */
import { andThen, type MaybePromise } from '../common/maybeAsync';
import { currentUser, type Identity, userHashForName } from '../state/currentUser';
import { globalUserState } from '../state/globalUserState';
import { AUTHENTICATED_PRINCIPAL_PREFIX, roleOfViewer, type Viewer } from '../requests/requestRecord';
import { clientKind } from '../vocab/clientKind';
import { HEADERS } from '../vocab/headers';
import type { UserRole } from '../vocab/statuses';
import { parseApiVersion } from '../vocab/versions';
import { notAuthenticated } from './access';
import type { AppContext } from './appContext';
import { serviceAccountOf } from './bearerAuth';
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
const roleCache = new Map<string, { role: UserRole; until: number }>();

/**
 * An authenticated user's role, cached briefly (role changes apply within seconds). A user with no
 * stored role is a `user`, never an admin: an admin is made only by another admin.
 */
async function storedRole(userId: string): Promise<UserRole> {
  const cached = roleCache.get(userId);
  if (cached && cached.until > Date.now()) return cached.role;
  const role = (await globalUserState.getUserRole(userId)) ?? 'user';
  if (roleCache.size >= ROLE_CACHE_MAX) roleCache.clear();
  roleCache.set(userId, { role, until: Date.now() + ROLE_CACHE_MS });
  return role;
}

/** Forgets cached roles, so a role just changed applies to the next request (user management calls it). */
export function forgetRoles(): void {
  roleCache.clear();
}

/** The caller's role for the endpoint table's check (see `resolveViewer`); at once unless a stored role is read. */
export function callerRole(call: HttpCall, app: AppContext): MaybePromise<UserRole> {
  return andThen(resolveViewer(call, app, clientAddress(call.raw, app.trustProxy)), roleOfViewer);
}

const LOCAL_ADMIN: Viewer = Object.freeze({ principal: 'local', admin: true, role: 'admin' });

function resolveViewer(call: HttpCall, app: AppContext, address: string): MaybePromise<Viewer> {
  const visitor = app.extensions.identifyVisitor({ call, address });
  if (visitor) return visitor;
  return andThen(serviceAccountOf(call, app), (account) => {
    if (account) {
      return storedRole(account.id).then((role) => ({
        principal: `${AUTHENTICATED_PRINCIPAL_PREFIX}${account.id}`,
        admin: role === 'admin',
        role,
      }));
    }
    if (!app.authUserHeader) return LOCAL_ADMIN;
    const authUser = authUserOf(call, app.authUserHeader);
    // Fail closed: a request that reached this server without the proxy's header is nobody.
    if (!authUser) {
      return Promise.reject(notAuthenticated(`this server takes the user from the ${app.authUserHeader} header, and the request has none`));
    }
    return storedRole(authUser.id).then((role) => ({
      principal: `${AUTHENTICATED_PRINCIPAL_PREFIX}${authUser.id}`,
      admin: role === 'admin',
      role,
    }));
  });
}

/** Who calls; at once unless a token or a stored role has to be looked up (server auth). */
export function resolveCaller(call: HttpCall, app: AppContext, envVars?: Record<string, unknown> | null): MaybePromise<Caller> {
  return andThen(serviceAccountOf(call, app), (account) => {
    const authUser = account ?? authUserOf(call, app.authUserHeader);
    const identity = currentUser.getCurrentUser({ authUser, envVars: envVars ?? null });
    const address = clientAddress(call.raw, app.trustProxy);
    return andThen(resolveViewer(call, app, address), (viewer) => ({
      identity,
      viewer,
      clientApiVersion: parseApiVersion(header(call, HEADERS.apiVersion)) ?? null,
      clientVersion: header(call, HEADERS.version) ?? null,
      address,
    }));
  });
}
