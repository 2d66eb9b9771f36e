/**
 * How the two domain objects of the protocol, a cluster's `CloudVmRayResourceHandle` and a
 * `Resources`, are written into results, chosen by what the client decodes (see
 * docs/decisions/0008-official-clients.md):
 * - `pickle`: base64 pickles, what the official Python client unpickles before upstream PR #9302
 *   (a dict would crash it);
 * - `dict`: upstream's dict layout (`CloudVmRayResourceHandle.to_dict`, `Resources.to_yaml_config`),
 *   which Python clients with #9302 rebuild with `from_dict` / `_from_yaml_config_single`;
 * - `json`: our storage JSON, for JSON readers: the official dashboard, whatever API version it
 *   declares, and clients that declare none (scripts, curl): no pickle ever reaches them.
 */
import { pickleHandle, pickleResources } from '../pickle/skypilotPickles';
import type { PyObject } from '../pickle/pickleValue';
import { toBase64Pickle } from '../pickle/pickleWriter';
import type { CloudVmRayResourceHandle } from '../state/cloudVmRayResourceHandle';
import type { Resources } from '../state/resources';
import { clientKind } from '../vocab/clientKind';
import { DICT_OBJECTS_MIN_API_VERSION } from '../vocab/versions';

export type ObjectEncoding = 'json' | 'dict' | 'pickle';

export function objectEncodingFor(client: { clientApiVersion: number | null; clientVersion: string | null }): ObjectEncoding {
  if (clientKind(client) !== 'python') return 'json';
  return client.clientApiVersion! >= DICT_OBJECTS_MIN_API_VERSION ? 'dict' : 'pickle';
}

/** Disk tiers upstream's schema accepts; anything else is left out rather than failing the client. */
const DISK_TIERS: ReadonlySet<string> = new Set(['low', 'medium', 'high', 'ultra', 'best']);

/**
 * `Resources.to_yaml_config` layout: only the keys that are set, since the client validates the dict
 * against upstream's resources schema, which rejects nulls.
 */
export function resourcesConfig(r: Resources): Record<string, unknown> {
  const tier = r.diskTier?.trim().toLowerCase();
  const entries: [string, unknown][] = [
    ['cloud', r.cloud?.name ?? null],
    ['instance_type', r.instanceType],
    ['cpus', r.cpus],
    ['memory', r.memory],
    ['accelerators', r.accelerators],
    ['use_spot', r.useSpot],
    ['disk_size', r.diskSize],
    ['disk_tier', tier && DISK_TIERS.has(tier) ? tier : null],
    ['region', r.region],
    ['zone', r.zone],
    ['image_id', r.imageId],
    ['ports', r.ports],
    ['labels', r.labels],
  ];
  return Object.fromEntries(entries.filter(([, value]) => value !== null && value !== undefined));
}

/** `CloudVmRayResourceHandle.to_dict` layout, the keys its `from_dict` reads. */
export function handleDict(h: CloudVmRayResourceHandle): Record<string, unknown> {
  return {
    cluster_name: h.clusterName,
    cluster_name_on_cloud: h.clusterNameOnCloud,
    cluster_yaml: h.clusterYaml,
    launched_nodes: h.launchedNodes,
    launched_resources: resourcesConfig(h.launchedResources),
    stable_internal_external_ips: h.stableInternalExternalIps,
    stable_ssh_ports: h.stableSshPorts,
    docker_user: h.dockerUser,
    is_grpc_enabled: h.isGrpcEnabled,
    ssh_user: h.sshUser,
  };
}

/** The three layouts of one object type; `json` is always the object's own `toJSON`. */
function encoder<T extends { toJSON(): unknown }>(pickle: (value: T) => PyObject, dict: (value: T) => unknown) {
  return (value: T, encoding: ObjectEncoding): unknown => {
    switch (encoding) {
      case 'pickle':
        return toBase64Pickle(pickle(value));
      case 'dict':
        return dict(value);
      case 'json':
        return value.toJSON();
    }
  };
}

export const encodeHandle = encoder<CloudVmRayResourceHandle>(pickleHandle, handleDict);

export const encodeResources = encoder<Resources>(pickleResources, resourcesConfig);
