/**
 * `/realtime_kubernetes_gpu_availability` (`sky gpus list`, the dashboard's infra page), computed from
 * each context's nodes as upstream's `kubernetes_catalog.list_accelerators_realtime` does:
 * - `name_filter` keeps GPUs whose name matches it from the start, case-insensitively (`re.match`);
 * - `quantity_filter` q counts a node's GPUs in whole multiples of q (a node with fewer counts none);
 * - requestable quantities are the powers of two up to a node's count, and the count itself;
 * - a node that is not ready or is cordoned adds capacity but nothing available;
 * - `is_ssh` picks SSH node pools' contexts (`ssh-<pool>`), false the others, unset both.
 * Contexts with no matching GPU are left out; an empty answer is what the CLI turns into its own
 * "No GPUs found" line.
 */
import { kubernetesInfra } from '../infra/kubernetesInfra';

export type GpuAvailability = [string, [string, number[], number, number][]][];

export interface GpuAvailabilityInput {
  context?: string | null;
  name_filter?: string | null;
  quantity_filter?: number | null;
  is_ssh?: boolean | null;
}

/** `re.match(filter, name, re.IGNORECASE)`; a filter that is not a valid pattern is taken literally. */
function nameMatcher(filter: string | null | undefined): (name: string) => boolean {
  if (!filter) return () => true;
  let pattern: RegExp;
  try {
    pattern = new RegExp(`^(?:${filter})`, 'i');
  } catch {
    pattern = new RegExp(`^${filter.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'i');
  }
  // GPU names are short, so even a backtracking-heavy pattern has little to backtrack over.
  return (name) => pattern.test(name.slice(0, 128));
}

function quantities(count: number): number[] {
  const out: number[] = [];
  for (let q = 1; q <= count; q *= 2) out.push(q);
  if (!out.includes(count)) out.push(count);
  return out;
}

async function contextAvailability(context: string, matches: (name: string) => boolean, minQuantity: number) {
  const { node_info_dict: nodes } = await kubernetesInfra.getNodeInfo(context);
  const byGpu = new Map<string, { counts: Set<number>; capacity: number; available: number }>();
  for (const node of Object.values(nodes)) {
    const gpu = node.accelerator_type;
    const count = node.total.accelerator_count;
    if (!gpu || !matches(gpu)) continue;
    const entry = byGpu.get(gpu) ?? { counts: new Set<number>(), capacity: 0, available: 0 };
    byGpu.set(gpu, entry);
    for (const q of quantities(count)) entry.counts.add(q);
    if (count >= minQuantity) entry.capacity += minQuantity * Math.floor(count / minQuantity);
    if (node.is_ready === false || node.is_cordoned === true) continue;
    const free = node.free.accelerators_available;
    if (free >= minQuantity) entry.available += minQuantity * Math.floor(free / minQuantity);
  }
  return [...byGpu]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([gpu, e]) => [gpu, [...e.counts].sort((a, b) => a - b), e.capacity, e.available] as [string, number[], number, number]);
}

export async function gpuAvailability(input: GpuAvailabilityInput): Promise<GpuAvailability> {
  const all = input.context ? [input.context] : await kubernetesInfra.getAllContexts();
  const contexts = input.context || input.is_ssh == null ? all : all.filter((c) => c.startsWith('ssh-') === input.is_ssh);
  const matches = nameMatcher(input.name_filter);
  const minQuantity = input.quantity_filter && input.quantity_filter > 0 ? input.quantity_filter : 1;
  const answers = await Promise.all(contexts.map(async (c) => [c, await contextAvailability(c, matches, minQuantity)] as const));
  return answers.filter(([, gpus]) => gpus.length > 0).map(([c, gpus]) => [c, gpus]);
}
