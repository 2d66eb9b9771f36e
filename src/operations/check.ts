/**
 * `sky check`: which infra is enabled, per workspace and capability. This build probes no cloud
 * credentials; it reports the enabled-cloud cache the server keeps (and says so), in upstream's
 * shapes: the human report is the request's log, the result `{workspace: {cloud: [capabilities]}}`.
 */
import { globalUserState } from '../state/globalUserState';
import { CLOUD_CAPABILITIES, type CloudCapability } from '../vocab/statuses';
import type { OpContext } from './opContext';
import { workspaceScopeOf } from '../http/workspaceScope';
import { inScope } from '../state/workspaceAccess';

export interface CheckInput {
  clouds?: string[] | null;
  workspace?: string | null;
  verbose?: boolean | null;
}

export async function check(input: CheckInput, ctx: OpContext): Promise<Record<string, Record<string, CloudCapability[]>>> {
  // Only the workspaces the caller may use, as upstream's `get_accessible_workspace_names`.
  const scope = await workspaceScopeOf(ctx.caller);
  const all = Object.keys(await globalUserState.getWorkspaces()).filter((w) => inScope(scope, w));
  const workspaces = input.workspace ? all.filter((w) => w === input.workspace) : all;
  const only = input.clouds?.length ? new Set(input.clouds.map((c) => c.toLowerCase())) : null;
  ctx.log('Checking credentials to enable infra for SkyPilot.\n');
  ctx.log('  (This server reports the infra it has recorded as enabled; it does not probe credentials.)\n');
  const result: Record<string, Record<string, CloudCapability[]>> = {};
  for (const workspace of workspaces) {
    const enabled: Record<string, CloudCapability[]> = {};
    for (const capability of CLOUD_CAPABILITIES) {
      for (const cloud of await globalUserState.getCachedEnabledClouds(workspace, capability)) {
        if (only && !only.has(cloud.canonicalName)) continue;
        enabled[cloud.name] ??= [];
        enabled[cloud.name].push(capability);
      }
    }
    result[workspace] = enabled;
    const names = Object.entries(enabled)
      .map(([cloud, caps]) => `  ${cloud} [${caps.join(', ')}]\n`)
      .join('');
    ctx.log(`\n🎉 Enabled infra 🎉 (workspace: ${workspace})\n${names || '  none\n'}`);
  }
  return result;
}
