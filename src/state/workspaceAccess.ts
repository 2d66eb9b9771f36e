/**
 * Who may use a workspace, as upstream's `workspaces/core.py` has it: a public workspace is
 * everyone's; a private one lists its users in `allowed_users` (by name or id). A rule of the state's
 * own records, so both the request door (http/scheduled.ts) and the operations can ask it.
 */
import type { WorkspaceConfig, WorkspacesMap } from '../vocab/workspaces';
import type { Identity } from './currentUser';

export function allowedUsers(config: WorkspaceConfig): string[] {
  return Array.isArray(config.allowed_users) ? config.allowed_users.filter((u): u is string => typeof u === 'string') : [];
}

export function isPrivate(config: WorkspaceConfig): boolean {
  return config.private === true;
}

/** Whether a non-admin may use a workspace: every public one, a private one only while listed. */
export function mayUseWorkspace(config: WorkspaceConfig, caller: Identity): boolean {
  return !isPrivate(config) || allowedUsers(config).some((u) => u === caller.id || u === caller.name);
}

/**
 * The workspaces whose objects (clusters, cluster jobs, managed jobs, costs) a caller reaches: `null`
 * for all of them (an admin), else the configured workspaces they may use, as upstream's
 * `get_accessible_workspace_names`; an object in a workspace no longer configured is an admin's to see.
 */
export type WorkspaceScope = string[] | null;

export function scopeFor(all: WorkspacesMap, caller: Identity): string[] {
  return Object.entries(all)
    .filter(([, config]) => mayUseWorkspace(config, caller))
    .map(([name]) => name)
    .sort();
}

export function inScope(scope: WorkspaceScope, workspace: string): boolean {
  return scope === null || scope.includes(workspace);
}
