/**
 * Workspace operations. Rules kept here once: `default` always exists and cannot be deleted; a
 * workspace that still has clusters cannot be deleted; create refuses an existing name and update a
 * missing one.
 */
import { SkyPilotError } from '../errors';
import { globalUserState } from '../state/globalUserState';
import { DEFAULT_WORKSPACE, type WorkspaceConfig, type WorkspacesMap } from '../vocab/workspaces';

export async function createWorkspace(input: { workspace_name: string; config: WorkspaceConfig }): Promise<WorkspacesMap> {
  const all = await globalUserState.getWorkspaces();
  if (Object.hasOwn(all, input.workspace_name)) {
    throw new SkyPilotError('WorkspaceExistsError', `Workspace '${input.workspace_name}' already exists.`);
  }
  await globalUserState.setWorkspace(input.workspace_name, input.config);
  return globalUserState.getWorkspaces();
}

export async function updateWorkspace(input: { workspace_name: string; config: WorkspaceConfig }): Promise<WorkspacesMap> {
  const all = await globalUserState.getWorkspaces();
  if (!Object.hasOwn(all, input.workspace_name)) {
    throw new SkyPilotError('WorkspaceNotFoundError', `Workspace '${input.workspace_name}' does not exist.`);
  }
  await globalUserState.setWorkspace(input.workspace_name, input.config);
  return globalUserState.getWorkspaces();
}

export async function deleteWorkspace(input: { workspace_name: string }): Promise<WorkspacesMap> {
  const ws = input.workspace_name;
  if (ws === DEFAULT_WORKSPACE) throw new SkyPilotError('NotSupportedError', `The '${DEFAULT_WORKSPACE}' workspace cannot be deleted.`);
  const all = await globalUserState.getWorkspaces();
  if (!Object.hasOwn(all, ws)) throw new SkyPilotError('WorkspaceNotFoundError', `Workspace '${ws}' does not exist.`);
  const clusters = await globalUserState.getClusters({ workspaces: [ws] });
  if (clusters.length) {
    throw new SkyPilotError(
      'WorkspaceInUseError',
      `Workspace '${ws}' still has ${clusters.length} cluster(s): ${clusters.map((c) => c.name).join(', ')}.`,
    );
  }
  await globalUserState.deleteWorkspace(ws);
  return globalUserState.getWorkspaces();
}
