/**
 * Infrastructure reads: enabled clouds (per workspace, optionally expanded with Kubernetes contexts),
 * Kubernetes node info and GPU availability, contexts and SSH node pools.
 */
import type { KubernetesNodeInfoResult, NodeInfo } from '../api/wireTypes';
import { isPythonClient } from '../http/caller';
import { kubernetesInfra } from '../infra/kubernetesInfra';
import { NODE_INFO_KEY_MIN_API_VERSION } from '../vocab/versions';
import type { OpContext } from './opContext';
import { globalUserState } from '../state/globalUserState';
import { outsideScope, workspaceScopeOf } from '../http/workspaceScope';
import { inScope } from '../state/workspaceAccess';

/** Upstream lower-cases cloud names; expanded Kubernetes entries are `kubernetes/<context>`. */
export async function enabledCloudNames(workspace: string, expand: boolean): Promise<string[]> {
  const clouds = await globalUserState.getCachedEnabledClouds(workspace, 'compute');
  const names: string[] = [];
  for (const cloud of clouds) {
    if (expand && cloud.canonicalName === 'kubernetes') {
      const contexts = await kubernetesInfra.getAllContexts();
      names.push(...(contexts.length ? contexts.map((c) => `kubernetes/${c}`) : ['kubernetes']));
    } else {
      names.push(cloud.canonicalName);
    }
  }
  return names;
}

/** `/enabled_clouds`: a private workspace the caller is not in is refused (upstream's `check_workspace_permission`). */
export async function enabledClouds(workspace: string, expand: boolean, ctx: OpContext): Promise<string[]> {
  const scope = await workspaceScopeOf(ctx.caller);
  if (!inScope(scope, workspace) && Object.hasOwn(await globalUserState.getWorkspaces(), workspace)) {
    throw outsideScope(`Workspace '${workspace}'`, workspace, ctx.caller);
  }
  return enabledCloudNames(workspace, expand);
}

/**
 * Enabled clouds of each named workspace, or of every workspace; private ones the caller is not in
 * are left out, as upstream's batch endpoint filters them.
 */
export async function enabledCloudsBatch(
  workspaces: string | null | undefined,
  expand: boolean,
  ctx: OpContext,
): Promise<Record<string, string[]>> {
  const all = await globalUserState.getWorkspaces();
  const scope = await workspaceScopeOf(ctx.caller);
  const requested = (
    workspaces
      ? workspaces
          .split(',')
          .map((w) => w.trim())
          .filter(Boolean)
          .slice(0, 100)
      : Object.keys(all)
  ).filter((w) => inScope(scope, w) || !Object.hasOwn(all, w));
  const entries = await Promise.all(requested.map(async (w) => [w, await enabledCloudNames(w, expand)] as const));
  return Object.fromEntries(entries);
}

/**
 * Kubernetes node info for the caller: a Python client gets only the keys its `KubernetesNodeInfo`
 * dataclass accepts, each key from the API version that added it (NODE_INFO_KEY_MIN_API_VERSION).
 */
export async function nodeInfo(input: { context?: string | null }, ctx: OpContext): Promise<KubernetesNodeInfoResult> {
  const result = await kubernetesInfra.getNodeInfo(input.context ?? null);
  if (!isPythonClient(ctx.caller)) return result;
  const version = ctx.caller.clientApiVersion!;
  const known = ([key]: [string, unknown]) => (NODE_INFO_KEY_MIN_API_VERSION[key] ?? 0) <= version;
  return {
    hint: result.hint,
    node_info_dict: Object.fromEntries(
      Object.entries(result.node_info_dict).map(([name, node]) => [
        name,
        Object.fromEntries(Object.entries(node).filter(known)) as unknown as NodeInfo,
      ]),
    ),
  };
}
