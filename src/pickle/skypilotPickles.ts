/**
 * Our domain objects as the pickles old SkyPilot clients (before upstream PR #9302) expect in
 * `/api/get` results: `status[].handle` is a `CloudVmRayResourceHandle`, `cost_report[].resources`
 * a `Resources`. Each state carries every key upstream's `__setstate__` reads, with the version
 * field at the value whose state needs no migration, so the client runs none. Fields we do not
 * track are None, as upstream's defaults are.
 */
import type { CloudVmRayResourceHandle } from '../state/cloudVmRayResourceHandle';
import type { Cloud } from '../state/clouds';
import type { Resources } from '../state/resources';
import { cloudClass } from './cloudClasses';
import { type PickleDict, type PickleValue, PyDict, PyGlobal, PyObject, PyReduce, PyTuple } from './pickleValue';
import { toBase64Pickle } from './pickleWriter';
import { PYTHON_EXCEPTION_ATTRIBUTES, pythonExceptionClass } from '../vocab/errorTypes';

export const RESOURCES_PICKLE_VERSION = 32;
export const HANDLE_PICKLE_VERSION = 12;

/** `base64(pickle.dumps(None, protocol=4))`: `entrypoint` and `request_body` only need to unpickle. */
export const PICKLED_NONE_BASE64 = 'gAROLg==';

const RESOURCES_CLASS = new PyGlobal('sky.resources', 'Resources');
const HANDLE_CLASS = new PyGlobal('sky.backends.cloud_vm_ray_backend', 'CloudVmRayResourceHandle');
const DISK_TIER_CLASS = new PyGlobal('sky.utils.resources_utils', 'DiskTier');
/** `DiskTier` values; upstream also accepts 'none' on input, meaning no tier. */
const DISK_TIERS: ReadonlySet<string> = new Set(['low', 'medium', 'high', 'ultra', 'best']);

/** Upstream clouds pickle with an empty `__dict__`, so no state (and no BUILD) at all. */
export function pickleCloud(cloud: Cloud): PyObject {
  return new PyObject(cloudClass(cloud.canonicalName));
}

/**
 * Enum members pickle as `DiskTier(value)`. A tier the client's enum would reject would fail the
 * whole response, so anything outside the enum is left unset rather than sent.
 */
function diskTier(tier: string | null): PickleValue {
  const value = tier?.trim().toLowerCase();
  return value && DISK_TIERS.has(value) ? new PyReduce(DISK_TIER_CLASS, [value]) : null;
}

/** Upstream keys `_image_id` by region; the key is None when one image serves every region. */
function imageId(image: string | null, region: string | null): PickleValue {
  return image === null ? null : new PyDict([[region, image]]);
}

export function resourcesState(r: Resources): PickleDict {
  return {
    _version: RESOURCES_PICKLE_VERSION,
    _cloud: r.cloud ? pickleCloud(r.cloud) : null,
    _region: r.region,
    _zone: r.zone,
    _instance_type: r.instanceType,
    _use_spot: r.useSpot,
    // We do not record whether spot was asked for explicitly; a spot cluster certainly was.
    _use_spot_specified: r.useSpot,
    _job_recovery: null,
    _disk_size: r.diskSize,
    _ephemeral_storage: null,
    _image_id: imageId(r.imageId, r.region),
    _is_image_managed: null,
    _disk_tier: diskTier(r.diskTier),
    _network_tier: null,
    _ports: r.ports ? [...r.ports] : null,
    _labels: r.labels ? { ...r.labels } : null,
    _docker_login_config: null,
    _docker_username_for_runpod: null,
    _requires_fuse: null,
    _cluster_config_overrides: null,
    _cached_repr: null,
    _no_missing_accel_warnings: null,
    _priority: null,
    _priority_class: null,
    _cpus: r.cpus,
    _memory: r.memory,
    // Resolved from the instance type here, so the client's repr never consults its own catalog.
    _accelerators: r.accelerators,
    _accelerator_args: null,
    _autostop_config: null,
    _volumes: null,
    _max_hourly_cost: null,
    _local_disk: null,
  };
}

export function pickleResources(r: Resources): PyObject {
  return new PyObject(RESOURCES_CLASS, resourcesState(r));
}

export function handleState(h: CloudVmRayResourceHandle): PickleDict {
  return {
    _version: HANDLE_PICKLE_VERSION,
    cluster_name: h.clusterName,
    cluster_name_on_cloud: h.clusterNameOnCloud,
    _cluster_yaml: h.clusterYaml,
    launched_nodes: h.launchedNodes,
    launched_resources: pickleResources(h.launchedResources),
    // Upstream unpacks and compares these as tuples; a list pair would not equal its tuple.
    stable_internal_external_ips: h.stableInternalExternalIps
      ? h.stableInternalExternalIps.map(([internal, external]) => new PyTuple([internal, external]))
      : null,
    stable_ssh_ports: h.stableSshPorts ? [...h.stableSshPorts] : null,
    docker_user: h.dockerUser,
    cached_cluster_info: null,
    is_grpc_enabled: h.isGrpcEnabled,
    _ssh_user: h.sshUser,
    skylet_ssh_tunnel: null,
  };
}

export function pickleHandle(h: CloudVmRayResourceHandle): PyObject {
  return new PyObject(HANDLE_CLASS, handleState(h));
}

export function pickleNone(): string {
  return PICKLED_NONE_BASE64;
}

export interface ErrorObject {
  /** A class name in `sky.exceptions` (or a builtin); the client rebuilds `cls(*args, **attributes)`. */
  type: string;
  message: string;
  /** Defaults to `[message]`, the args of an exception raised with just its message. */
  args?: readonly PickleValue[];
  attributes?: PickleDict;
  stacktrace?: string | null;
}

/** base64 of the pickled plain dict a failed request carries as `error.object`. */
export function pickleErrorObject(e: ErrorObject): string {
  return toBase64Pickle({
    type: e.type,
    message: e.message,
    args: new PyTuple(e.args ?? [e.message]),
    attributes: e.attributes ?? {},
    stacktrace: e.stacktrace ?? null,
  });
}

/**
 * `error.object` of a failed request: our error type as the Python class the official client
 * rebuilds (see PYTHON_EXCEPTION_CLASS), with the keyword arguments that class needs.
 */
export function pickleRequestError(error: { type: string; message: string }): string {
  const type = pythonExceptionClass(error.type);
  return pickleErrorObject({ type, message: error.message, attributes: { ...PYTHON_EXCEPTION_ATTRIBUTES[type] } });
}
