/**
 * Who may use which workspace (API 53's `/users/me/workspace`) and the batch membership edits of the
 * newer dashboard (`/workspaces/batch_add_users`, `/workspaces/batch_remove_users`,
 * `/users/batch_update`). Rules kept here once, as upstream's `workspaces/core.py` has them: a public
 * workspace is everyone's; a private one lists its users in `allowed_users` (by name or id); an admin
 * may use every workspace; batches isolate failures per item and report them (empty lists are
 * refused at the door, as upstream's ValueError).
 */
import type { Identity } from '../state/currentUser';
import { globalUserState } from '../state/globalUserState';
import type { UserWithRole } from '../state/records';
import type { UserRole } from '../vocab/statuses';
import { DEFAULT_WORKSPACE, type WorkspaceConfig } from '../vocab/workspaces';

function allowedUsers(config: WorkspaceConfig): string[] {
  return Array.isArray(config.allowed_users) ? config.allowed_users.filter((u): u is string => typeof u === 'string') : [];
}

function isPrivate(config: WorkspaceConfig): boolean {
  return config.private === true;
}

async function isAdmin(id: string): Promise<boolean> {
  // No stored role is an admin, as `users.roleOf` reports.
  return ((await globalUserState.getUserRole(id)) ?? 'admin') === 'admin';
}

/** Whether a non-admin may use a workspace: every public one, a private one only while listed. */
export function mayUseWorkspace(config: WorkspaceConfig, caller: Identity): boolean {
  return !isPrivate(config) || allowedUsers(config).some((u) => u === caller.id || u === caller.name);
}

/** The workspace names the caller may launch into, sorted. */
export async function accessibleWorkspaces(caller: Identity): Promise<string[]> {
  const all = await globalUserState.getWorkspaces();
  const admin = await isAdmin(caller.id);
  return Object.entries(all)
    .filter(([, config]) => admin || mayUseWorkspace(config, caller))
    .map(([name]) => name)
    .sort();
}

export interface UserWorkspace {
  workspace: string | null;
  source: 'explicit' | 'preferred' | 'default-fallback' | 'single-membership' | null;
  note: string | null;
  preferred: string | null;
  accessible: string[];
}

/**
 * `GET /users/me/workspace`: where a launch by this user would land. This server stores no preferred
 * workspace, so the resolver's steps are: the explicit `requested` one, else `default` when
 * accessible, else the only accessible one; otherwise none, with the reason in `note`.
 */
export async function userWorkspace(caller: Identity, requested: string | null): Promise<UserWorkspace> {
  const accessible = await accessibleWorkspaces(caller);
  const none = (note: string): UserWorkspace => ({ workspace: null, source: null, note, preferred: null, accessible });
  if (requested) {
    if (accessible.includes(requested)) return { workspace: requested, source: 'explicit', note: null, preferred: null, accessible };
    return none(`Workspace '${requested}' does not exist or you do not have access to it.`);
  }
  if (accessible.includes(DEFAULT_WORKSPACE)) {
    return { workspace: DEFAULT_WORKSPACE, source: 'default-fallback', note: null, preferred: null, accessible };
  }
  if (accessible.length === 1) return { workspace: accessible[0], source: 'single-membership', note: null, preferred: null, accessible };
  if (!accessible.length) return none('You do not have access to any workspace.');
  return none(`You have access to several workspaces (${accessible.join(', ')}): name one with active_workspace.`);
}

export interface BatchResult<K extends string> {
  succeeded: string[];
  failed: ({ [key in K]: string } & { error: string })[];
}

/** What a private workspace's `allowed_users` names a user by: the name if no one else has it, else the id. */
function entryFor(user: UserWithRole, users: UserWithRole[]): string {
  const name = user.name ?? user.id;
  return users.filter((u) => u.name === name).length === 1 ? name : user.id;
}

async function editMembership(
  input: { workspace_names: string[]; user_ids: string[] },
  edit: (allowed: string[], entries: { user: UserWithRole; entry: string }[]) => string[],
): Promise<BatchResult<'workspace_name'>> {
  const users = await globalUserState.getAllUsers();
  const result: BatchResult<'workspace_name'> = { succeeded: [], failed: [] };
  const entries: { user: UserWithRole; entry: string }[] = [];
  for (const id of new Set(input.user_ids)) {
    const user = users.find((u) => u.id === id);
    if (user) entries.push({ user, entry: entryFor(user, users) });
    else result.failed.push({ workspace_name: '-', error: `User ${id} does not exist` });
  }
  if (!entries.length) return result;
  const all = await globalUserState.getWorkspaces();
  for (const name of new Set(input.workspace_names)) {
    const config = all[name];
    if (!config) result.failed.push({ workspace_name: name, error: `Workspace '${name}' does not exist.` });
    else if (!isPrivate(config)) {
      result.failed.push({ workspace_name: name, error: `Workspace '${name}' is public: allowed_users has no effect there.` });
    } else {
      await globalUserState.setWorkspace(name, { ...config, allowed_users: edit(allowedUsers(config), entries) });
      result.succeeded.push(name);
    }
  }
  return result;
}

export function batchAddUsers(input: { workspace_names: string[]; user_ids: string[] }): Promise<BatchResult<'workspace_name'>> {
  return editMembership(input, (allowed, entries) => {
    const next = [...allowed];
    for (const { user, entry } of entries) if (!next.includes(user.id) && !next.includes(entry)) next.push(entry);
    return next;
  });
}

export function batchRemoveUsers(input: { workspace_names: string[]; user_ids: string[] }): Promise<BatchResult<'workspace_name'>> {
  return editMembership(input, (allowed, entries) =>
    allowed.filter((a) => !entries.some(({ user }) => a === user.id || a === (user.name ?? user.id))),
  );
}

/** `/users/batch_update`: one role for many users, each failure reported beside the others' success. */
export async function batchUpdateRoles(input: { user_ids: string[]; role: UserRole }): Promise<BatchResult<'user_id'>> {
  const result: BatchResult<'user_id'> = { succeeded: [], failed: [] };
  for (const id of new Set(input.user_ids)) {
    if (!(await globalUserState.getUser(id))) result.failed.push({ user_id: id, error: `User ${id} does not exist` });
    else {
      await globalUserState.setUserRole(id, input.role);
      result.succeeded.push(id);
    }
  }
  return result;
}
