/**
 * Infrastructure reads: enabled clouds (per workspace, optionally expanded with Kubernetes contexts),
 * Kubernetes node info and GPU availability, contexts, volumes and SSH node pools.
 */
import { Router } from 'express';
import { z } from 'zod';
import { toVolumeRecord } from '../api/wireRecords';
import type { AppContext } from '../http/appContext';
import { scheduled } from '../http/scheduled';
import { baseBody, queryBool } from '../http/validate';
import { kubernetesInfra } from '../infra/kubernetesInfra';
import { globalUserState } from '../state/globalUserState';

const workspaceName = z.string().min(1).max(128).regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'invalid workspace name');

/** Upstream lower-cases cloud names; expanded Kubernetes entries are `kubernetes/<context>`. */
async function enabledCloudNames(workspace: string, expand: boolean): Promise<string[]> {
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

export function infraRoutes(app: AppContext): Router {
  const router = Router();

  router.get('/enabled_clouds', scheduled(app, {
    name: 'sky.enabled_clouds',
    from: 'query',
    schema: z.looseObject({ workspace: workspaceName.nullish(), expand: queryBool.nullish() }),
    run: async (q) => enabledCloudNames(q.workspace ?? 'default', q.expand === true),
  }));

  router.get('/enabled_clouds/batch', scheduled(app, {
    name: 'sky.enabled_clouds_batch',
    from: 'query',
    schema: z.looseObject({ workspaces: z.string().nullish(), expand: queryBool.nullish() }),
    run: async (q) => {
      const requested = q.workspaces ? q.workspaces.split(',').map((w) => w.trim()).filter(Boolean)
        : Object.keys(await globalUserState.getWorkspaces());
      const entries = await Promise.all(requested.map(async (w) => [w, await enabledCloudNames(w, q.expand === true)]));
      return Object.fromEntries(entries);
    },
  }));

  router.get('/all_contexts', scheduled(app, {
    name: 'sky.all_contexts', from: 'query', schema: z.looseObject({}),
    run: async () => kubernetesInfra.getAllContexts(),
  }));

  router.post('/kubernetes_node_info', scheduled(app, {
    name: 'sky.kubernetes_node_info',
    schema: z.looseObject({ ...baseBody, context: z.string().nullish() }),
    run: async (b) => kubernetesInfra.getNodeInfo(b.context ?? null),
  }));

  router.post('/realtime_kubernetes_gpu_availability', scheduled(app, {
    name: 'sky.realtime_kubernetes_gpu_availability',
    schema: z.looseObject({ ...baseBody, context: z.string().nullish(), name_filter: z.string().nullish(),
      quantity_filter: z.number().int().nullish(), is_ssh: z.boolean().nullish() }),
    run: async (b) => kubernetesInfra.getGpuAvailability(b.context ?? null),
  }));

  // `refresh` would query the cloud: this build has nothing to query, so it is accepted and ignored.
  router.get('/volumes', scheduled(app, {
    name: 'sky.volume_list',
    from: 'query',
    schema: z.looseObject({ refresh: queryBool.nullish() }),
    run: async () => (await globalUserState.getVolumes()).map(toVolumeRecord),
  }));

  router.get('/ssh_node_pools', async (_req, res) => {
    res.json(await globalUserState.getSshNodePools());
  });

  // Slurm is not supported by this build: empty answers, which the dashboard shows as "none found".
  router.post('/slurm_gpu_availability', scheduled(app, {
    name: 'sky.slurm_gpu_availability', schema: z.looseObject({ ...baseBody }), run: async () => [],
  }));
  router.post('/slurm_node_info', scheduled(app, {
    name: 'sky.slurm_node_info', schema: z.looseObject({ ...baseBody }), run: async () => [],
  }));

  return router;
}
