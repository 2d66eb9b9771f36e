/**
 * The server config as the dashboard's settings page edits it (`GET`/`POST /workspaces/config`):
 * upstream's `~/.sky/config.yaml`, here the stored settings plus the workspaces map. Admins only, as
 * upstream's RBAC has it; secrets never leave the server (shown as REDACTED, and a save that sends
 * REDACTED back keeps the stored value). Rule kept here as for `/workspaces/delete`: a save may not
 * drop a workspace that still has clusters, and `default` always exists.
 */
import { SkyPilotError } from '../errors';
import { globalUserState } from '../state/globalUserState';
import { redactSecrets, restoreRedacted } from '../vocab/secretKeys';
import { DEFAULT_WORKSPACE, type WorkspacesMap } from '../vocab/workspaces';
import type { OpContext } from './opContext';
import { roleOf } from './users';

async function requireAdmin(ctx: OpContext, what: string): Promise<void> {
  const { role } = await roleOf(ctx.caller.identity, ctx.caller.viewer);
  if (role !== 'admin')
    throw new SkyPilotError('PermissionDeniedError', `Only admins can ${what}; ${ctx.caller.identity.name} is a ${role}.`);
}

async function storedConfig(): Promise<Record<string, unknown>> {
  const [rest, workspaces] = await Promise.all([globalUserState.getServerConfig(), globalUserState.getWorkspaces()]);
  return { ...rest, workspaces };
}

export async function getServerConfig(_input: unknown, ctx: OpContext): Promise<Record<string, unknown>> {
  await requireAdmin(ctx, 'read the server config');
  return redactSecrets(await storedConfig());
}

export async function updateServerConfig(input: { config: Record<string, unknown> }, ctx: OpContext): Promise<Record<string, unknown>> {
  await requireAdmin(ctx, 'change the server config');
  const stored = await storedConfig();
  const { workspaces, ...rest } = restoreRedacted(input.config, stored) as Record<string, unknown> & { workspaces?: WorkspacesMap };
  if (workspaces) {
    const next: WorkspacesMap = { [DEFAULT_WORKSPACE]: {}, ...workspaces };
    for (const dropped of Object.keys(stored.workspaces as WorkspacesMap).filter((w) => !Object.hasOwn(next, w))) {
      const clusters = await globalUserState.getClusters({ workspaces: [dropped] });
      if (clusters.length) {
        throw new SkyPilotError(
          'WorkspaceInUseError',
          `Workspace '${dropped}' still has ${clusters.length} cluster(s); it cannot be removed.`,
        );
      }
    }
    await globalUserState.setWorkspaces(next);
  }
  await globalUserState.setServerConfig(rest);
  ctx.log('Server config updated.\n');
  return redactSecrets(await storedConfig());
}
