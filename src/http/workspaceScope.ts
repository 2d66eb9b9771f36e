/**
 * Private workspaces on reads and object actions, decided once from the caller's role (the same
 * resolution the endpoint table's check uses): an admin reaches every workspace; anyone else only the
 * workspaces they may use (public ones, and private ones whose `allowed_users` lists them), as
 * upstream filters clusters and managed jobs by `get_accessible_workspace_names`.
 *
 * Lists (`/status`, `/cost_report`, `/jobs/queue`) leave out what is outside the scope, so a
 * non-member never learns a private workspace's clusters or jobs exist; an action or read naming one
 * object outside it (`/queue`, `/logs`, `/stop`, `/jobs/logs`, `/download`, ...) is refused as the
 * role checks refuse: a scheduled request FAILED with `PermissionDeniedError`, any other answer a 403
 * `permission_denied`. The endpoints that name a cluster declare it (`clusterName`), and the plumbing
 * checks it before any operation runs (`scheduled.ts`, `streamedRequest.ts`).
 */
import { andThen, type MaybePromise } from '../common/maybeAsync';
import { HttpError, SkyPilotError } from '../errors';
import { roleOfViewer } from '../requests/requestRecord';
import { globalUserState } from '../state/globalUserState';
import { inScope, scopeFor, type WorkspaceScope } from '../state/workspaceAccess';
import type { Caller } from './caller';

export type { WorkspaceScope } from '../state/workspaceAccess';

/**
 * Scopes kept by state version and user: asked on every `/status` (the demo's visitors are all
 * non-admins), they are worked out again only when the state moved. Bounded; a replaced seam
 * function (a test, the demo) starts afresh, as the status cache does.
 */
const MAX_SCOPES = 256;
const scopes = new Map<string, string[]>();
let scopesOf: unknown = null;

/** The workspaces this caller's reads reach: `null` (all) for an admin. */
export function workspaceScopeOf(caller: Pick<Caller, 'identity' | 'viewer'>): MaybePromise<WorkspaceScope> {
  if (roleOfViewer(caller.viewer) === 'admin') return null;
  if (scopesOf !== globalUserState.getWorkspaces) {
    scopes.clear();
    scopesOf = globalUserState.getWorkspaces;
  }
  // At once when the version is (the demo's) and the scope known: the hot round trip's case.
  return andThen(globalUserState.stateVersion(), (version) => {
    const key = `${version}\u0000${caller.identity.id}\u0000${caller.identity.name}`;
    const known = scopes.get(key);
    if (known) return known;
    return globalUserState.getWorkspaces().then((workspaces) => {
      const scope = scopeFor(workspaces, caller.identity);
      if (scopes.size >= MAX_SCOPES) scopes.clear();
      scopes.set(key, scope);
      return scope;
    });
  });
}

function refusal(what: string, workspace: string, caller: Pick<Caller, 'identity'>): string {
  return `${what} is in the private workspace '${workspace}', and ${caller.identity.name} is not one of its users; ask an admin to add you.`;
}

/** An object outside the caller's scope, refused as a scheduled request's error. */
export function outsideScope(what: string, workspace: string, caller: Pick<Caller, 'identity'>): SkyPilotError {
  return new SkyPilotError('PermissionDeniedError', refusal(what, workspace, caller));
}

/** The same refusal for an endpoint answered directly: the role check's typed 403. */
export function outsideScopeHttp(what: string, workspace: string, caller: Pick<Caller, 'identity'>): HttpError {
  return new HttpError(403, 'permission_denied', 'Forbidden', `Permission denied: ${refusal(what, workspace, caller)}`);
}

/**
 * Refuses a named cluster in a workspace the caller may not use; a cluster that does not exist is
 * left to the operation (its own ClusterDoesNotExist), as the own-cluster rule does.
 */
export async function assertClusterInScope(name: string, caller: Pick<Caller, 'identity' | 'viewer'>, direct = false): Promise<void> {
  const scope = await workspaceScopeOf(caller);
  if (scope === null) return;
  const [cluster] = await globalUserState.getClusters({ clusterNames: [name] });
  if (cluster && !inScope(scope, cluster.workspace)) {
    throw (direct ? outsideScopeHttp : outsideScope)(`Cluster '${name}'`, cluster.workspace, caller);
  }
}
