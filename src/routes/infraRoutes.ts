/** Infrastructure endpoints: enabled clouds, Kubernetes contexts/nodes/GPUs, volumes, SSH node pools. */
import { z } from 'zod';
import { type Endpoint, scheduledEndpoint, scheduledQuery } from '../http/endpoint';
import { baseBody, optionalFlag, queryBool } from '../http/validate';
import { kubernetesInfra } from '../infra/kubernetesInfra';
import * as accelerators from '../operations/accelerators';
import { check } from '../operations/check';
import { gpuAvailability } from '../operations/gpuAvailability';
import * as infra from '../operations/infra';
import { listStorage } from '../operations/storage';
import * as volumes from '../operations/volumes';
import { globalUserState } from '../state/globalUserState';
import { DEFAULT_WORKSPACE } from '../vocab/workspaces';
import { workspaceName } from './workspaceRoutes';

const acceleratorsBody = z.looseObject({
  ...baseBody,
  gpus_only: optionalFlag,
  name_filter: z.string().max(256).nullish(),
  region_filter: z.string().max(256).nullish(),
  quantity_filter: z.number().int().positive().nullish(),
  clouds: z.union([z.array(z.string().max(64)).max(100), z.string().max(64)]).nullish(),
  all_regions: optionalFlag,
  require_price: optionalFlag,
  case_sensitive: optionalFlag,
});

export const infraEndpoints: Endpoint[] = [
  scheduledQuery('/enabled_clouds', {
    role: 'viewer',
    name: 'sky.enabled_clouds',
    schema: z.looseObject({ workspace: workspaceName.nullish(), expand: queryBool.nullish() }),
    run: (q, ctx) => infra.enabledClouds(q.workspace ?? DEFAULT_WORKSPACE, q.expand === true, ctx),
  }),
  scheduledQuery('/enabled_clouds/batch', {
    role: 'viewer',
    name: 'sky.enabled_clouds_batch',
    schema: z.looseObject({ workspaces: z.string().max(10_000).nullish(), expand: queryBool.nullish() }),
    run: (q, ctx) => infra.enabledCloudsBatch(q.workspaces, q.expand === true, ctx),
  }),
  scheduledQuery('/all_contexts', { role: 'viewer', name: 'sky.all_contexts', run: () => kubernetesInfra.getAllContexts() }),
  scheduledEndpoint('POST', '/kubernetes_node_info', {
    role: 'viewer',
    name: 'sky.kubernetes_node_info',
    effect: 'read',
    schema: z.looseObject({ ...baseBody, context: z.string().max(255).nullish() }),
    run: infra.nodeInfo,
  }),
  scheduledEndpoint('POST', '/realtime_kubernetes_gpu_availability', {
    role: 'viewer',
    name: 'sky.realtime_kubernetes_gpu_availability',
    effect: 'read',
    schema: z.looseObject({
      ...baseBody,
      context: z.string().max(255).nullish(),
      name_filter: z.string().max(255).nullish(),
      quantity_filter: z.number().int().nullish(),
      is_ssh: optionalFlag,
    }),
    run: gpuAvailability,
  }),
  // `refresh` would query the cloud: this build has nothing to query, so it is accepted and ignored.
  scheduledQuery('/volumes', {
    role: 'viewer',
    name: 'sky.volume_list',
    schema: z.looseObject({ refresh: queryBool.nullish() }),
    run: () => volumes.listVolumes(),
  }),
  scheduledEndpoint('POST', '/volumes/delete', {
    name: 'sky.volume_delete',
    effect: 'write',
    schema: z.looseObject({ ...baseBody, names: z.array(z.string().min(1).max(255)).min(1).max(100) }),
    run: volumes.deleteVolumes,
  }),
  scheduledEndpoint('POST', '/check', {
    role: 'viewer',
    name: 'sky.check',
    effect: 'read',
    schema: z.looseObject({
      ...baseBody,
      clouds: z.array(z.string().max(64)).max(100).nullish(),
      verbose: optionalFlag,
      workspace: workspaceName.nullish(),
    }),
    run: check,
  }),
  scheduledEndpoint('POST', '/list_accelerators', {
    role: 'viewer',
    name: 'sky.list_accelerators',
    effect: 'read',
    schema: acceleratorsBody,
    run: accelerators.listAccelerators,
  }),
  scheduledEndpoint('POST', '/list_accelerator_counts', {
    role: 'viewer',
    name: 'sky.list_accelerator_counts',
    effect: 'read',
    schema: acceleratorsBody,
    run: accelerators.listAcceleratorCounts,
  }),
  scheduledQuery('/storage/ls', { role: 'viewer', name: 'sky.storage_ls', run: () => listStorage() }),
  {
    method: 'GET',
    path: '/ssh_node_pools',
    role: 'viewer',
    effect: 'read',
    direct: async () => ({ status: 200, json: await globalUserState.getSshNodePools() }),
  },
  // Slurm is not supported by this build: empty answers, which the dashboard shows as "none found".
  noSlurm('/slurm_gpu_availability', 'sky.slurm_gpu_availability'),
  noSlurm('/slurm_node_info', 'sky.slurm_node_info'),
];

function noSlurm(path: string, name: string): Endpoint {
  return scheduledEndpoint('POST', path, {
    role: 'viewer',
    name,
    effect: 'read',
    schema: z.looseObject({ ...baseBody }),
    run: async () => [],
  });
}
