"""Decodes API answers the way the official SkyPilot Python client (API 49) does, strictly.

stdin: a JSON list of items {"kind": ..., ...}; stdout: a JSON list with, per item,
{"ok": true, "summary": ...} or {"ok": false, "error": "..."}.

Kinds:
- "payload": {"http_status", "payload"}: an /api/get answer. The client's `sdk.get` path:
  payload keys and types (RequestPayload), unpickling `entrypoint` and `request_body`, the status
  matching the HTTP status, then either the error rebuilt as an exception (summary {"exception",
  "message"}) or the return value through the decoder its `name` selects (summary per decoder).
- "health": {"headers", "body"}: `/api/health` as `common.get_api_server_status` and
  `APIHealthResponse` read it.
- "status_rows": {"rows"}: `/api/status` rows, each a RequestPayload.
- "exception_detail": {"http_status", "body"}: a direct answer the client rebuilds an exception from
  (`/validate`: `sdk.validate` raises `deserialize_exception(detail)` on a 400).

The decoders check what upstream's decoders and the response models would reject: missing required
keys, wrong types (an int field given a float with a fraction, None where a str is required), enum
values the client's enums lack, dataclasses given unknown keys, pickles that do not load under
SkyPilot's module names (stand-ins from unpickle.py), error objects without all five keys.
"""
import base64
import builtins
import collections
import json
import pickle
import sys
import types

import unpickle as stand_ins

CLUSTER_STATUSES = {'INIT', 'UP', 'STOPPED', 'AUTOSTOPPING'}
JOB_STATUSES = {'INIT', 'PENDING', 'SETTING_UP', 'RUNNING', 'FAILED_DRIVER', 'SUCCEEDED', 'FAILED',
                'FAILED_SETUP', 'CANCELLED'}
MANAGED_JOB_STATUSES = {'PENDING', 'SUBMITTED', 'STARTING', 'RUNNING', 'RECOVERING', 'CANCELLING',
                        'SUCCEEDED', 'CANCELLED', 'FAILED', 'FAILED_SETUP', 'FAILED_PRECHECKS',
                        'FAILED_NO_RESOURCE', 'FAILED_CONTROLLER'}
REQUEST_STATUSES = {'PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'}
STORAGE_STATUSES = {'INIT', 'INIT_FAILED', 'UPLOAD_FAILED', 'READY'}
STORE_TYPES = {'S3', 'GCS', 'AZURE', 'R2', 'IBM', 'OCI', 'NEBIUS', 'COREWEAVE', 'VOLUME'}
HANDLE_FROM_DICT_KEYS = {'cluster_name', 'cluster_name_on_cloud', 'cluster_yaml', 'launched_nodes',
                         'launched_resources', 'stable_internal_external_ips', 'stable_ssh_ports',
                         'docker_user', 'is_grpc_enabled', 'ssh_user'}
RESOURCES_CONFIG_KEYS = {'cloud', 'instance_type', 'cpus', 'memory', 'accelerators', 'use_spot',
                         'disk_size', 'disk_tier', 'region', 'zone', 'image_id', 'ports', 'labels'}

InstanceTypeInfo = collections.namedtuple('InstanceTypeInfo', [
    'cloud', 'instance_type', 'accelerator_name', 'accelerator_count', 'cpu_count', 'device_memory',
    'memory', 'price', 'spot_price', 'region'])
RealtimeGpuAvailability = collections.namedtuple('RealtimeGpuAvailability',
                                                 ['gpu', 'counts', 'capacity', 'available'])


# `KubernetesNodeInfo` (sky/models.py), a dataclass: its keys beyond the first five, each with the
# API version whose client first has it (upstream's serialize_kubernetes_node_info strips them below).
NODE_INFO_KEY_SINCE = {'cpu_count': 26, 'memory_gb': 26, 'cpu_free': 26, 'memory_free_gb': 26,
                       'is_ready': 25, 'is_cordoned': 28, 'taints': 28}


def kubernetes_node_info_class(api_version):
    """The dataclass of a client at `api_version`: any other keyword is a TypeError."""
    known = [k for k, since in NODE_INFO_KEY_SINCE.items() if since <= api_version]

    def __init__(self, name, accelerator_type, total, free, ip_address=None, **later):
        for key in later:
            if key not in known:
                raise TypeError(f"__init__() got an unexpected keyword argument '{key}'")
        self.name, self.accelerator_type, self.total, self.free = name, accelerator_type, total, free
        self.ip_address = ip_address
        self.__dict__.update(later)

    return type('KubernetesNodeInfo', (), {'__init__': __init__})


# The API version of the client being modelled: an item's `api_version`, else 49 (set per item).
CLIENT_API_VERSION = 49


class Invalid(Exception):
    pass


def need(cond, message):
    if not cond:
        raise Invalid(message)


def typed(record, key, kinds, required=True, where=''):
    """Pydantic-like: required keys present; ints must be ints (bool is not), floats accept ints."""
    if key not in record:
        need(not required, f'{where}{key} is required')
        return
    value = record[key]
    if value is None:
        need(None in kinds, f'{where}{key} is None')
        return
    ok = False
    for kind in kinds:
        if kind is None:
            continue
        if kind is int:
            ok = ok or (isinstance(value, int) and not isinstance(value, bool))
        elif kind is float:
            ok = ok or (isinstance(value, (int, float)) and not isinstance(value, bool))
        else:
            ok = ok or isinstance(value, kind)
    need(ok, f'{where}{key} has type {type(value).__name__}, expected {[k.__name__ if k else "None" for k in kinds]}')


def unpickle_b64(text, what):
    need(isinstance(text, str), f'{what} is not a base64 string')
    try:
        return pickle.loads(base64.b64decode(text.encode('utf-8'), validate=True))
    except Exception as e:  # pylint: disable=broad-except
        raise Invalid(f'{what} does not unpickle: {type(e).__name__}: {e}') from e


def state_of(obj):
    return obj.__dict__.get('_recorded_state')


# ---- sky.exceptions as the client rebuilds them -----------------------------------------------

def exceptions_module():
    mod = types.ModuleType('sky.exceptions')

    class ClusterDoesNotExist(ValueError):
        pass

    class ClusterNotUpError(Exception):
        def __init__(self, message, cluster_status, handle=None):
            super().__init__(message)
            self.cluster_status = cluster_status
            self.handle = handle

    class CommandError(Exception):
        def __init__(self, returncode, command, error_msg, detailed_reason=None):
            super().__init__(f'Command {command} failed with return code {returncode}.\n{error_msg}')
            self.returncode, self.command, self.error_msg = returncode, command, error_msg
            self.detailed_reason = detailed_reason

    classes = [ClusterDoesNotExist, ClusterNotUpError, CommandError]
    for name in ('PermissionDeniedError', 'NotSupportedError', 'RequestCancelled',
                 'ManagedJobUserCancelledError', 'InvalidSkyPilotConfigError',
                 'ResourcesUnavailableError', 'ClusterOwnerIdentityMismatchError',
                 'CloudUserIdentityError', 'ClusterSetUpError', 'ClusterStatusFetchingError'):
        classes.append(type(name, (Exception,), {}))
    for cls in classes:
        cls.__module__ = 'sky.exceptions'
        setattr(mod, cls.__name__, cls)
    return mod


SKY_EXCEPTIONS = exceptions_module()


def rebuild_exception(d, args_kind=tuple):
    """`sky.exceptions.deserialize_exception`: builtins first, then sky.exceptions, else Exception.

    `args_kind` is tuple for a pickled error object, list for one sent as JSON (`/validate`'s detail).
    """
    need(isinstance(d, dict), 'error object is not a dict')
    need(set(d) == {'type', 'message', 'args', 'attributes', 'stacktrace'},
         f'error object keys are {sorted(d)}, expected the five')
    need(isinstance(d['args'], args_kind), f'error object args is not a {args_kind.__name__}')
    need(isinstance(d['attributes'], dict), 'error object attributes is not a dict')
    name = d['type']
    cls = getattr(builtins, name, None) or getattr(SKY_EXCEPTIONS, name, None)
    if not (isinstance(cls, type) and issubclass(cls, BaseException)):
        return Exception(f'{name}: {d["message"]}')
    try:
        e = cls(*d['args'], **d['attributes'])
    except TypeError as err:
        raise Invalid(f'{name}(*args, **attributes) fails in the client: {err}') from err
    if d['stacktrace'] is not None:
        e.stacktrace = d['stacktrace']
    return e


# ---- decoders, by request name -----------------------------------------------------------------

def decode_handle(value, where):
    if value is None:
        return None
    if isinstance(value, dict):
        # Before PR #9302 (API 48 and older) the client unpickles whatever it gets: a dict crashes it.
        need(CLIENT_API_VERSION >= 49, f'{where}handle is a dict, which a client at API {CLIENT_API_VERSION} cannot decode')
        need(value.get('cluster_name'), f'{where}handle dict has no cluster_name')
        need(set(value) <= HANDLE_FROM_DICT_KEYS, f'{where}handle dict keys {sorted(set(value) - HANDLE_FROM_DICT_KEYS)} unknown')
        resources = value.get('launched_resources') or {}
        need(set(resources) <= RESOURCES_CONFIG_KEYS, f'{where}resources config keys unknown')
        need(all(v is not None for v in resources.values()), f'{where}resources config has a null')
        return {'kind': 'dict', 'head_ip': (value.get('stable_internal_external_ips') or [[None, None]])[0][1]}
    handle = unpickle_b64(value, f'{where}handle')
    if handle is None:
        return None
    need(type(handle).__name__ == 'CloudVmRayResourceHandle', f'{where}handle is a {type(handle).__name__}')
    state = state_of(handle)
    ips = state['stable_internal_external_ips']
    need(ips is None or all(isinstance(p, tuple) for p in ips), f'{where}IP pairs are not tuples')
    resources = state['launched_resources']
    need(type(resources).__name__ == 'Resources', f'{where}launched_resources is a {type(resources).__name__}')
    return {'kind': 'pickle', 'head_ip': ips[0][1] if ips else None,
            'cloud': type(state_of(resources)['_cloud']).__name__ if state_of(resources)['_cloud'] else None}


def decode_status(rows):
    need(isinstance(rows, list), 'status is not a list')
    out = []
    for row in rows:
        w = f'status[{row.get("name")}].'
        for key, kinds in (('name', [str]), ('launched_at', [int]), ('autostop', [int]), ('to_down', [bool]),
                           ('cluster_hash', [str]), ('cluster_ever_up', [bool]), ('user_hash', [str]),
                           ('user_name', [str]), ('workspace', [str]), ('nodes', [int]),
                           ('status_updated_at', [int])):
            typed(row, key, kinds, where=w)
        for key, kinds in (('last_use', [str, None]), ('metadata', [dict, None]), ('owner', [list, None]),
                           ('labels', [dict, None]), ('accelerators', [str, None]), ('cloud', [str, None]),
                           ('credentials', [dict, None]), ('resources_str', [str, None])):
            typed(row, key, kinds, required=False, where=w)
        need(row['status'] in CLUSTER_STATUSES, f'{w}status {row["status"]!r}')
        if 'storage_mounts_metadata' in row:
            need(unpickle_b64(row['storage_mounts_metadata'], f'{w}storage_mounts_metadata') is None,
                 f'{w}storage_mounts_metadata is not None')
        out.append({'name': row['name'], 'status': row['status'], 'accelerators': row.get('accelerators'),
                    'handle': decode_handle(row.get('handle'), w) if 'handle' in row else 'absent'})
    return out


def decode_cost_report(rows):
    need(isinstance(rows, list), 'cost report is not a list')
    out = []
    for row in rows:
        w = f'cost_report[{row.get("name")}].'
        need(row['status'] is None or row['status'] in CLUSTER_STATUSES, f'{w}status')
        for key, kinds in (('name', [str]), ('launched_at', [int]), ('duration', [float]), ('num_nodes', [int]),
                           ('total_cost', [float])):
            typed(row, key, kinds, where=w)
        resources = row['resources']
        if isinstance(resources, dict):
            need(set(resources) <= RESOURCES_CONFIG_KEYS, f'{w}resources config keys unknown')
            kind = 'dict'
        else:
            obj = unpickle_b64(resources, f'{w}resources')
            need(type(obj).__name__ == 'Resources', f'{w}resources is a {type(obj).__name__}')
            kind = 'pickle'
        out.append({'name': row['name'], 'resources': kind})
    return out


def decode_queue(rows):
    for row in rows:
        w = f'queue[{row.get("job_id")}].'
        for key, kinds in (('job_id', [int]), ('job_name', [str]), ('username', [str]), ('user_hash', [str]),
                           ('submitted_at', [float]), ('resources', [str]), ('log_path', [str]),
                           ('metadata', [dict])):
            typed(row, key, kinds, where=w)
        typed(row, 'start_at', [float, None], required=False, where=w)
        typed(row, 'end_at', [float, None], required=False, where=w)
        need(row['status'] in JOB_STATUSES, f'{w}status {row["status"]!r}')
    return [{'job_id': r['job_id'], 'status': r['status']} for r in rows]


def decode_jobs_queue_v2(value):
    if isinstance(value, dict):
        for key in ('jobs', 'total', 'total_no_filter', 'status_counts'):
            need(key in value, f'jobs queue has no {key}')
        need(all(k in MANAGED_JOB_STATUSES for k in value['status_counts']), 'status_counts has an unknown status')
        jobs = value['jobs']
    else:
        jobs = value
    for job in jobs:
        w = f'jobs[{job.get("job_id")}].'
        need(job.get('status') in MANAGED_JOB_STATUSES, f'{w}status {job.get("status")!r}')
        for key, kinds in (('job_id', [int, None]), ('task_id', [int, None]), ('job_name', [str, None]),
                           ('job_duration', [float]), ('recovery_count', [int, None]),
                           ('submitted_at', [float, None]), ('end_at', [float, None]),
                           ('metadata', [dict]), ('accelerators', [dict, None])):
            typed(job, key, kinds, required=False, where=w)
    return {'count': len(jobs), 'keys': sorted({k for j in jobs for k in j})}


def decode_list_accelerators(value):
    need(isinstance(value, dict), 'not a dict')
    out = {}
    for gpu, rows in value.items():
        infos = [InstanceTypeInfo(*row) for row in rows]
        for info in infos:
            need(isinstance(info.accelerator_count, (int, float)), 'accelerator_count')
            need(isinstance(info.price, (int, float)), 'price')
        out[gpu] = len(infos)
    return out


def decode_storage_ls(rows):
    for row in rows:
        w = f'storage[{row.get("name")}].'
        need(row['status'] in STORAGE_STATUSES, f'{w}status')
        need(all(s in STORE_TYPES for s in row['store']), f'{w}store')
        for key, kinds in (('name', [str]), ('launched_at', [int]), ('last_use', [str])):
            typed(row, key, kinds, where=w)
    return [r['name'] for r in rows]


def decode_endpoints(value):
    return {str(int(k)): v for k, v in value.items()}


def decode_job_status(value):
    out = {}
    for k, v in value.items():
        need(v is None or v in JOB_STATUSES, f'job status {v!r}')
        out[str(int(k))] = v
    return out


def decode_node_info(value):
    need(set(value) == {'node_info_dict', 'hint'}, 'node info keys')
    nodes = {}
    node_class = kubernetes_node_info_class(CLIENT_API_VERSION)
    for name, node in value['node_info_dict'].items():
        try:
            nodes[name] = node_class(**node)
        except TypeError as e:
            raise Invalid(f'KubernetesNodeInfo({name}): {e}') from e
    return sorted(nodes)


def decode_gpu_availability(value):
    out = {}
    for context, gpus in value:
        out[context] = [list(RealtimeGpuAvailability(*g)) for g in gpus]
    return out


def decode_exit_code(value):
    need(isinstance(value, int) and not isinstance(value, bool), f'exit code {value!r} is not an int')
    return value


def decode_list(value):
    need(isinstance(value, list), 'not a list')
    return value


def decode_dict(value):
    need(isinstance(value, dict), 'not a dict')
    return value


def decode_launch(value):
    """`decode_launch`: `return_value['job_id']`, `decode_handle(return_value['handle'])`."""
    need(isinstance(value, dict), f'launch result is a {type(value).__name__}, not a dict')
    typed(value, 'job_id', [int, None])
    return {'job_id': value['job_id'], 'handle': decode_handle(value['handle'], 'launch.'),
            'credentials': 'credentials' in value}


DECODERS = {
    'sky.launch': decode_launch,
    'sky.status': decode_status,
    'sky.cost_report': decode_cost_report,
    'sky.queue': decode_queue,
    'sky.jobs.queue_v2': decode_jobs_queue_v2,
    'sky.list_accelerators': decode_list_accelerators,
    'sky.list_accelerator_counts': decode_dict,
    'sky.storage_ls': decode_storage_ls,
    'sky.endpoints': decode_endpoints,
    'sky.job_status': decode_job_status,
    'sky.kubernetes_node_info': decode_node_info,
    'sky.realtime_kubernetes_gpu_availability': decode_gpu_availability,
    'sky.serve.status': decode_list,
    'sky.jobs.pool_status': decode_list,
    'sky.logs': decode_exit_code,
    'sky.jobs.logs': decode_exit_code,
    'sky.check': decode_dict,
    'sky.workspaces.get': decode_dict,
    'sky.enabled_clouds': decode_list,
}


def check_payload(payload, where='payload.'):
    for key, kinds in (('request_id', [str]), ('name', [str]), ('entrypoint', [str]), ('request_body', [str]),
                       ('status', [str]), ('created_at', [float]), ('user_id', [str]), ('return_value', [str]),
                       ('error', [str]), ('schedule_type', [str])):
        typed(payload, key, kinds, where=where)
    need('pid' in payload, f'{where}pid is required')
    need(payload['status'] in REQUEST_STATUSES, f'{where}status {payload["status"]!r}')
    need(payload['schedule_type'] in ('long', 'short'), f'{where}schedule_type')


def decode_payload(item):
    payload = item['payload']
    check_payload(payload)
    unpickle_b64(payload['entrypoint'], 'entrypoint')
    unpickle_b64(payload['request_body'], 'request_body')
    need((payload['status'] == 'FAILED') == (item['http_status'] == 500),
         f'{payload["status"]} answered with HTTP {item["http_status"]}')
    error = json.loads(payload['error'])
    if error is not None:
        need(set(error) >= {'type', 'message', 'object'}, 'error lacks type, message or object')
        e = rebuild_exception(unpickle_b64(error['object'], 'error.object'))
        return {'exception': type(e).__name__, 'module': type(e).__module__, 'message': str(e),
                'json_type': error['type']}
    need(payload['status'] != 'CANCELLED', 'cancelled')
    decoder = DECODERS.get(payload['name'], lambda v: v)
    return {'name': payload['name'], 'value': decoder(json.loads(payload['return_value']))}


def decode_health(item):
    headers = {k.lower(): v for k, v in item['headers'].items()}
    need('x-skypilot-api-version' in headers and 'x-skypilot-version' in headers, 'version headers missing')
    int(headers['x-skypilot-api-version'])
    body = item['body']
    need(body.get('status') in ('healthy', 'unhealthy', 'version_mismatch', 'needs_auth'), 'status')
    for key in ('api_version', 'version', 'commit'):
        need(body.get(key) is not None, f'{key} is None')
    typed(body, 'api_version', [str])
    need(int(body['api_version']) >= 24, 'server API older than the client accepts')
    return {'user': (body.get('user') or {}).get('name'), 'api_version': body['api_version']}


def decode_exception_detail(item):
    """`sdk.validate`: a 400 raises deserialize_exception(detail); any other status passes silently."""
    need(item['http_status'] == 400, f'answered {item["http_status"]}: the client would go on as if valid')
    e = rebuild_exception(item['body'].get('detail'), list)
    return {'exception': type(e).__name__, 'module': type(e).__module__, 'message': str(e)}


def decode_status_rows(item):
    out = []
    for row in item['rows']:
        check_payload(row, 'api_status row.')
        out.append({k: row[k] for k in ('request_id', 'name', 'status', 'user_id', 'created_at')})
    return out


def main():
    stand_ins.register()
    sys.modules['sky.exceptions'] = SKY_EXCEPTIONS
    handlers = {'payload': decode_payload, 'health': decode_health, 'status_rows': decode_status_rows,
                'exception_detail': decode_exception_detail}
    results = []
    global CLIENT_API_VERSION  # pylint: disable=global-statement
    for item in json.load(sys.stdin):
        CLIENT_API_VERSION = item.get('api_version', 49)
        try:
            results.append({'ok': True, 'summary': handlers[item['kind']](item)})
        except Invalid as e:
            results.append({'ok': False, 'error': str(e)})
        except Exception as e:  # pylint: disable=broad-except
            results.append({'ok': False, 'error': f'{type(e).__name__}: {e}'})
    json.dump(results, sys.stdout, ensure_ascii=False)


if __name__ == '__main__':
    main()
