/**
 * Infrastructure reads: enabled clouds (per workspace, optionally expanded with Kubernetes contexts),
 * Kubernetes node info and GPU availability, contexts and SSH node pools.
 */
import { kubernetesInfra } from '../infra/kubernetesInfra';
import { globalUserState } from '../state/globalUserState';

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

/** Enabled clouds of each named workspace, or of every workspace. */
export async function enabledCloudsBatch(workspaces: string | null | undefined, expand: boolean): Promise<Record<string, string[]>> {
  const requested = workspaces ? workspaces.split(',').map((w) => w.trim()).filter(Boolean).slice(0, 100)
    : Object.keys(await globalUserState.getWorkspaces());
  const entries = await Promise.all(requested.map(async (w) => [w, await enabledCloudNames(w, expand)] as const));
  return Object.fromEntries(entries);
}
