/**
 * GPUs in use on each Kubernetes context, derived from what is placed there, never written by hand:
 * a cluster holds its pods while INIT or UP, a managed job while its cluster exists (STARTING,
 * RUNNING, RECOVERING, CANCELLING). Each holder asks `nodes x count` GPUs of one type; the use is
 * filled into the context's nodes of that type in order, so free counts always add up.
 */
import type { NodeInfo } from '../api/wireTypes';
import { KubernetesInstanceType } from '../state/kubernetesInstanceType';
import type { ClusterStatus, ManagedJobStatus } from '../vocab/statuses';

export const GPU_HOLDING_CLUSTER: readonly ClusterStatus[] = ['INIT', 'UP'];
export const GPU_HOLDING_MANAGED_JOB: readonly ManagedJobStatus[] = ['STARTING', 'RUNNING', 'RECOVERING', 'CANCELLING'];

export interface Placement {
  cloud: string;
  /** The Kubernetes context, for Kubernetes. */
  region: string | null;
  instanceType: string | null;
  nodes: number;
}

/** GPUs asked per context and GPU type by the holders. */
export function gpusPlaced(holders: readonly Placement[]): Map<string, Map<string, number>> {
  const use = new Map<string, Map<string, number>>();
  for (const h of holders) {
    if (h.cloud !== 'Kubernetes' || !h.region || !h.instanceType || !KubernetesInstanceType.isValid(h.instanceType)) continue;
    const type = KubernetesInstanceType.parse(h.instanceType);
    if (!type.acceleratorType || !type.acceleratorCount) continue;
    const byGpu = use.get(h.region) ?? new Map<string, number>();
    byGpu.set(type.acceleratorType, (byGpu.get(type.acceleratorType) ?? 0) + type.acceleratorCount * h.nodes);
    use.set(h.region, byGpu);
  }
  return use;
}

/** The nodes with `free` filled from the use (nodes are new objects). */
export function withGpuUse(nodes: readonly NodeInfo[], use: Map<string, number> | undefined): NodeInfo[] {
  const left = new Map(use ?? []);
  return nodes.map((n) => {
    const total = n.total.accelerator_count;
    const gpu = n.accelerator_type;
    const taken = gpu ? Math.min(total, left.get(gpu) ?? 0) : 0;
    if (gpu) left.set(gpu, (left.get(gpu) ?? 0) - taken);
    return { ...n, total: { ...n.total }, free: { accelerators_available: total - taken } };
  });
}
