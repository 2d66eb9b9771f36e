/**
 * The accelerator catalog (`sky gpus list`): which instance types carry which GPUs, from the clouds'
 * catalogs. Kubernetes, SSH and Slurm are not catalogued (their GPUs come from the live node lists),
 * as upstream. Rows are positional, upstream's `InstanceTypeInfo` order: cloud, instance type,
 * accelerator name, count, vCPUs, GPU memory (GiB), memory (GiB), price, spot price, region.
 */
import { type Cloud, cloudRegistry, Kubernetes, SPOT_DISCOUNT } from '../state/clouds';

export type InstanceTypeRow = [string, string, string, number, number, number | null, number, number, number, string | null];

/** GPU memory per device, GiB, for the accelerators the catalogs carry. */
const DEVICE_MEMORY_GIB: Readonly<Record<string, number>> = {
  A10: 24,
  A10G: 24,
  A100: 40,
  'A100-80GB': 80,
  H100: 80,
  H200: 141,
  L4: 24,
  L40S: 48,
  T4: 16,
  V100: 16,
};

export interface AcceleratorFilter {
  gpus_only?: boolean | null;
  name_filter?: string | null;
  region_filter?: string | null;
  quantity_filter?: number | null;
  clouds?: string[] | string | null;
  case_sensitive?: boolean | null;
}

function catalogClouds(clouds: string[] | string | null | undefined): Cloud[] {
  const named = typeof clouds === 'string' ? [clouds] : clouds;
  const all = cloudRegistry
    .names()
    .map((n) => cloudRegistry.fromName(n))
    .filter((c) => !(c instanceof Kubernetes));
  if (!named?.length) return all;
  const wanted = new Set(named.map((n) => n.toLowerCase()));
  return all.filter((c) => wanted.has(c.canonicalName));
}

/** Upstream matches names as a regular expression; a malformed one is matched as plain text. */
function nameMatcher(filter: string | null | undefined, caseSensitive: boolean): (name: string) => boolean {
  if (!filter) return () => true;
  try {
    const re = new RegExp(filter, caseSensitive ? '' : 'i');
    return (name) => re.test(name);
  } catch {
    const needle = caseSensitive ? filter : filter.toLowerCase();
    return (name) => (caseSensitive ? name : name.toLowerCase()).includes(needle);
  }
}

function rows(input: AcceleratorFilter): InstanceTypeRow[] {
  const matches = nameMatcher(input.name_filter, input.case_sensitive !== false);
  const out: InstanceTypeRow[] = [];
  for (const cloud of catalogClouds(input.clouds)) {
    if (input.region_filter && cloud.catalogRegion !== input.region_filter) continue;
    for (const [type, info] of cloud.instanceTypes()) {
      for (const [acc, count] of Object.entries(info.accelerators ?? {})) {
        if (!matches(acc) || (input.quantity_filter != null && count !== input.quantity_filter)) continue;
        out.push([
          cloud.name,
          type,
          acc,
          count,
          info.cpus,
          DEVICE_MEMORY_GIB[acc] ?? null,
          info.memoryGb,
          info.pricePerHour,
          Math.round(info.pricePerHour * SPOT_DISCOUNT * 1000) / 1000,
          cloud.catalogRegion,
        ]);
      }
    }
  }
  return out.sort((a, b) => a[2].localeCompare(b[2]) || a[3] - b[3] || a[7] - b[7]);
}

/** `{"A100": [rows...]}`; `{}` when nothing matches (the CLI says the accelerator was not found). */
export async function listAccelerators(input: AcceleratorFilter): Promise<Record<string, InstanceTypeRow[]>> {
  const grouped: Record<string, InstanceTypeRow[]> = {};
  for (const row of rows(input)) {
    grouped[row[2]] ??= [];
    grouped[row[2]].push(row);
  }
  return grouped;
}

/** `{"A100": [1, 8]}`: the counts each accelerator comes in. */
export async function listAcceleratorCounts(input: AcceleratorFilter): Promise<Record<string, number[]>> {
  const counts: Record<string, Set<number>> = {};
  for (const row of rows(input)) {
    counts[row[2]] ??= new Set();
    counts[row[2]].add(row[3]);
  }
  return Object.fromEntries(Object.entries(counts).map(([acc, set]) => [acc, [...set].sort((a, b) => a - b)]));
}
