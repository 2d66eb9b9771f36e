"""Loads pickles written by src/pickle with the standard library, as an old SkyPilot client would.

stdin: a JSON list of base64 pickles. stdout: a JSON list with, per pickle, either
{"value": <description>, "ops": [opcode names], "protocol": n} or {"error": "Type: message"}.

SkyPilot's classes are stood in for under their real module names in sys.modules, so the
unpickler resolves exactly the globals a client resolves; a misspelt module or class fails the
load. Stand-ins record the state BUILD gives them instead of running upstream's migrations.

Descriptions are JSON with tags where JSON alone would lose the Python type:
ints beyond 2**53 {"__int__": "digits"}, floats {"__float__": repr}, tuples {"__tuple__": [...]},
dicts with a non-str key {"__dict__": [[k, v], ...]}, instances
{"__object__": "module.Class", "state": ...} ("state" absent when no BUILD ran), enum members
{"__enum__": "module.Class", "value": ...}.
"""
import base64
import enum
import io
import json
import pickle
import pickletools
import sys
import types

CLOUD_CLASSES = {
    'aws': 'AWS', 'azure': 'Azure', 'cudo': 'Cudo', 'do': 'DO', 'fluidstack': 'Fluidstack',
    'gcp': 'GCP', 'hyperbolic': 'Hyperbolic', 'ibm': 'IBM', 'kubernetes': 'Kubernetes',
    'lambda_cloud': 'Lambda', 'nebius': 'Nebius', 'oci': 'OCI', 'paperspace': 'Paperspace',
    'primeintellect': 'PrimeIntellect', 'runpod': 'RunPod', 'scp': 'SCP', 'seeweb': 'Seeweb',
    'shadeform': 'Shadeform', 'slurm': 'Slurm', 'ssh': 'SSH', 'vast': 'Vast', 'vsphere': 'Vsphere',
}


class StandIn:
    """Records what BUILD hands to __setstate__."""

    def __setstate__(self, state):
        self.__dict__['_recorded_state'] = state


def module(name, **members):
    mod = sys.modules.get(name) or types.ModuleType(name)
    for attr, member in members.items():
        member.__module__ = name
        setattr(mod, attr, member)
    sys.modules[name] = mod
    return mod


def stand_in(class_name):
    return type(class_name, (StandIn,), {})


def register():
    for name in ('sky', 'sky.backends', 'sky.clouds', 'sky.utils'):
        module(name)
    module('sky.resources', Resources=stand_in('Resources'), AutostopConfig=stand_in('AutostopConfig'))
    module('sky.backends.cloud_vm_ray_backend',
           CloudVmRayResourceHandle=stand_in('CloudVmRayResourceHandle'))
    for mod_name, class_name in CLOUD_CLASSES.items():
        module(f'sky.clouds.{mod_name}', **{class_name: stand_in(class_name)})
    disk_tier = enum.Enum('DiskTier', [(v.upper(), v) for v in ('low', 'medium', 'high', 'ultra', 'best')])
    network_tier = enum.Enum('NetworkTier', [('STANDARD', 'standard'), ('BEST', 'best')])
    module('sky.utils.resources_utils', DiskTier=disk_tier, NetworkTier=network_tier)


def qualified(cls):
    return f'{cls.__module__}.{cls.__qualname__}'


def describe(value):
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if abs(value) <= 2**53 else {'__int__': str(value)}
    if isinstance(value, float):
        return {'__float__': repr(value)}
    if isinstance(value, list):
        return [describe(v) for v in value]
    if isinstance(value, tuple):
        return {'__tuple__': [describe(v) for v in value]}
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {k: describe(v) for k, v in value.items()}
        return {'__dict__': [[describe(k), describe(v)] for k, v in value.items()]}
    if isinstance(value, enum.Enum):
        return {'__enum__': qualified(type(value)), 'value': describe(value.value)}
    if isinstance(value, StandIn):
        out = {'__object__': qualified(type(value))}
        if '_recorded_state' in value.__dict__:
            out['state'] = describe(value.__dict__['_recorded_state'])
        return out
    raise TypeError(f'unexpected {type(value).__name__} in pickle')


def load(b64):
    data = base64.b64decode(b64, validate=True)
    try:
        pickletools.dis(data, out=io.StringIO())
        ops = [op.name for op, _, _ in pickletools.genops(data)]
        value = describe(pickle.loads(data))
        # The pure-Python unpickler checks some things the C one does not; both must agree.
        if describe(pickle._loads(data)) != value:  # pylint: disable=protected-access
            raise ValueError('C and Python unpicklers disagree')
    except Exception as e:  # pylint: disable=broad-except
        return {'error': f'{type(e).__name__}: {e}'}
    protocol = data[1] if data[:1] == b'\x80' else None
    return {'value': value, 'ops': ops, 'protocol': protocol}


def main():
    register()
    json.dump([load(b64) for b64 in json.load(sys.stdin)], sys.stdout, ensure_ascii=False)


if __name__ == '__main__':
    main()
