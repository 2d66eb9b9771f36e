/**
 * Handles, resources, clouds and error objects as an old SkyPilot client unpickles them: python3
 * resolves the classes under upstream's module names and the stand-ins record the state they get.
 */
import { knownCloudClassNames } from '../../src/pickle/cloudClasses';
import { toBase64Pickle } from '../../src/pickle/pickleWriter';
import {
  pickleCloud,
  pickleErrorObject,
  pickleHandle,
  pickleNone,
  pickleResources,
  resourcesState,
} from '../../src/pickle/skypilotPickles';
import { CloudVmRayResourceHandle } from '../../src/state/cloudVmRayResourceHandle';
import { AWS, Cloud, Kubernetes, cloudRegistry } from '../../src/state/clouds';
import { Resources } from '../../src/state/resources';
import { type Described, pyDict, pyEnum, pyFloat, pyObject, pyTuple, unpickle, unpickleAll } from '../helpers/unpickle';

const RESOURCES = 'sky.resources.Resources';
const HANDLE = 'sky.backends.cloud_vm_ray_backend.CloudVmRayResourceHandle';
const DISK_TIER = 'sky.utils.resources_utils.DiskTier';

/** Every key `Resources.__setstate__` reads at version 32, as the Python-client reference notes list them. */
const RESOURCES_KEYS = [
  '_version',
  '_cloud',
  '_region',
  '_zone',
  '_instance_type',
  '_use_spot',
  '_use_spot_specified',
  '_job_recovery',
  '_disk_size',
  '_ephemeral_storage',
  '_image_id',
  '_is_image_managed',
  '_disk_tier',
  '_network_tier',
  '_ports',
  '_labels',
  '_docker_login_config',
  '_docker_username_for_runpod',
  '_requires_fuse',
  '_cluster_config_overrides',
  '_cached_repr',
  '_no_missing_accel_warnings',
  '_priority',
  '_priority_class',
  '_cpus',
  '_memory',
  '_accelerators',
  '_accelerator_args',
  '_autostop_config',
  '_volumes',
  '_max_hourly_cost',
  '_local_disk',
];

/** The untracked fields: None in every pickle we write. */
const UNSET = {
  _job_recovery: null,
  _ephemeral_storage: null,
  _is_image_managed: null,
  _network_tier: null,
  _docker_login_config: null,
  _docker_username_for_runpod: null,
  _requires_fuse: null,
  _cluster_config_overrides: null,
  _cached_repr: null,
  _no_missing_accel_warnings: null,
  _priority: null,
  _priority_class: null,
  _accelerator_args: null,
  _autostop_config: null,
  _volumes: null,
  _max_hourly_cost: null,
  _local_disk: null,
};

const stateOf = (loaded: Described): { [key: string]: Described } => (loaded as { state: { [key: string]: Described } }).state;

describe('pickleHandle', () => {
  it('a running AWS cluster: every state key, IP pairs as tuples, nested Resources', () => {
    const handle = new CloudVmRayResourceHandle({
      clusterName: 'train-🚀',
      clusterNameOnCloud: 'train-2ea4',
      clusterYaml: '~/.sky/generated/train.yml',
      launchedNodes: 2,
      launchedResources: new Resources({
        cloud: new AWS(),
        instanceType: 'p4d.24xlarge',
        region: 'us-east-1',
        zone: 'us-east-1a',
        useSpot: true,
        diskSize: 512,
        diskTier: 'HIGH',
        imageId: 'ami-0123',
        ports: ['8080', '9000-9010'],
        labels: { team: 'ml', owner: 'José 日本' },
      }),
      stableInternalExternalIps: [
        ['10.0.0.1', '198.51.100.1'],
        ['10.0.0.2', '198.51.100.2'],
      ],
      stableSshPorts: [22, 10022],
      sshUser: 'ubuntu',
      isGrpcEnabled: true,
    });

    const { value } = unpickle(toBase64Pickle(pickleHandle(handle)));

    expect(value).toEqual(
      pyObject(HANDLE, {
        _version: 12,
        cluster_name: 'train-🚀',
        cluster_name_on_cloud: 'train-2ea4',
        _cluster_yaml: '~/.sky/generated/train.yml',
        launched_nodes: 2,
        launched_resources: pyObject(RESOURCES, {
          ...UNSET,
          _version: 32,
          _cloud: pyObject('sky.clouds.aws.AWS'),
          _region: 'us-east-1',
          _zone: 'us-east-1a',
          _instance_type: 'p4d.24xlarge',
          _use_spot: true,
          _use_spot_specified: true,
          _disk_size: 512,
          _image_id: { 'us-east-1': 'ami-0123' },
          _disk_tier: pyEnum(DISK_TIER, 'high'),
          _ports: ['8080', '9000-9010'],
          _labels: { team: 'ml', owner: 'José 日本' },
          _cpus: null,
          _memory: null,
          _accelerators: { A100: 8 },
        }),
        stable_internal_external_ips: [pyTuple('10.0.0.1', '198.51.100.1'), pyTuple('10.0.0.2', '198.51.100.2')],
        stable_ssh_ports: [22, 10022],
        docker_user: null,
        cached_cluster_info: null,
        is_grpc_enabled: true,
        _ssh_user: 'ubuntu',
        skylet_ssh_tunnel: null,
      }),
    );
  });

  it('a stopped Kubernetes cluster: no addresses, ports or user, and defaults elsewhere', () => {
    const handle = new CloudVmRayResourceHandle({
      clusterName: 'k8s',
      clusterNameOnCloud: 'k8s-1a2b',
      launchedNodes: 1,
      launchedResources: new Resources({ cloud: new Kubernetes(), instanceType: '4CPU--16GB--H100:1', region: 'kind-ctx' }),
    });

    const state = stateOf(unpickle(toBase64Pickle(pickleHandle(handle))).value);

    expect(state).toMatchObject({
      _cluster_yaml: null,
      stable_internal_external_ips: null,
      stable_ssh_ports: null,
      _ssh_user: null,
      docker_user: null,
      is_grpc_enabled: false,
    });
    expect(stateOf(state.launched_resources)).toMatchObject({
      _cloud: pyObject('sky.clouds.kubernetes.Kubernetes'),
      _region: 'kind-ctx',
      _zone: null,
      _use_spot: false,
      _use_spot_specified: false,
      _disk_size: 256,
      _disk_tier: null,
      _image_id: null,
      _ports: null,
      _labels: null,
      _accelerators: { H100: 1 },
    });
  });
});

describe('pickleResources', () => {
  it('writes exactly the version-32 keys, in a state python can load', () => {
    const resources = new Resources({ cpus: '4+', memory: 16, accelerators: 'T4:0.5' });
    expect(Object.keys(resourcesState(resources)).sort()).toEqual([...RESOURCES_KEYS].sort());

    const state = stateOf(unpickle(toBase64Pickle(pickleResources(resources))).value);

    expect(Object.keys(state).sort()).toEqual([...RESOURCES_KEYS].sort());
    // Fractional accelerator counts stay floats; requested cpus/memory stay strings.
    expect(state).toMatchObject({ _cloud: null, _cpus: '4+', _memory: '16', _accelerators: { T4: pyFloat('0.5') } });
  });

  it.each([
    ['low', pyEnum(DISK_TIER, 'low')],
    ['MEDIUM', pyEnum(DISK_TIER, 'medium')],
    [' ultra ', pyEnum(DISK_TIER, 'ultra')],
    ['best', pyEnum(DISK_TIER, 'best')],
    ['none', null],
    ['fastest', null],
    [null, null],
  ])('disk tier %p -> %p', (tier, expected) => {
    const state = stateOf(unpickle(toBase64Pickle(pickleResources(new Resources({ diskTier: tier })))).value);
    expect(state._disk_tier).toEqual(expected);
  });

  it('keys an image with no region under None, as upstream does', () => {
    const state = stateOf(unpickle(toBase64Pickle(pickleResources(new Resources({ imageId: 'docker:ubuntu' })))).value);
    expect(state._image_id).toEqual(pyDict([null, 'docker:ubuntu']));
  });
});

describe('pickleCloud', () => {
  /** Written from upstream's `sky/clouds/__init__.py`; a cloud added to our registry must be added here. */
  const UPSTREAM_CLASS: Readonly<Record<string, string>> = {
    AWS: 'sky.clouds.aws.AWS',
    GCP: 'sky.clouds.gcp.GCP',
    Azure: 'sky.clouds.azure.Azure',
    Lambda: 'sky.clouds.lambda_cloud.Lambda',
    Nebius: 'sky.clouds.nebius.Nebius',
    Kubernetes: 'sky.clouds.kubernetes.Kubernetes',
    SSH: 'sky.clouds.ssh.SSH',
  };

  it('maps every cloud in our registry to its upstream class, with no state', () => {
    const names = cloudRegistry.names();
    const loaded = unpickleAll(names.map((name) => toBase64Pickle(pickleCloud(cloudRegistry.fromName(name)))));
    expect(loaded.map((result) => result.error ?? result.value)).toEqual(
      names.map((name) => pyObject(UPSTREAM_CLASS[name] ?? `no expectation for ${name}`)),
    );
  });

  it('every row of the upstream table resolves in python', () => {
    // The helper lists upstream's classes independently, so a misspelt row fails to load.
    const loaded = unpickleAll(knownCloudClassNames().map((name) => toBase64Pickle(pickleCloudNamed(name))));
    expect(loaded.map((result) => result.error)).toEqual(knownCloudClassNames().map(() => undefined));
  });

  it('throws for a cloud upstream does not have', () => {
    class Moon extends Cloud {
      readonly name = 'Moon';
      protected readonly catalog = {};
    }
    expect(() => pickleCloud(new Moon())).toThrow(/no upstream SkyPilot class for cloud 'moon'/);
  });
});

function pickleCloudNamed(canonicalName: string): ReturnType<typeof pickleCloud> {
  class Named extends Cloud {
    readonly name = canonicalName;
    protected readonly catalog = {};
  }
  return pickleCloud(new Named());
}

describe('wire constants and error objects', () => {
  it('pickleNone is pickle.dumps(None, protocol=4)', () => {
    expect(pickleNone()).toBe('gAROLg==');
    expect(pickleNone()).toBe(toBase64Pickle(null));
    expect(unpickle(pickleNone()).value).toBeNull();
  });

  it.each([
    [
      'defaults',
      { type: 'ClusterDoesNotExist', message: "Cluster 'dev' does not exist." },
      {
        type: 'ClusterDoesNotExist',
        message: "Cluster 'dev' does not exist.",
        args: pyTuple("Cluster 'dev' does not exist."),
        attributes: {},
        stacktrace: null,
      },
    ],
    [
      'everything given',
      {
        type: 'ClusterNotUpError',
        message: 'Cluster ‘gpu-🚀’ is STOPPED.',
        args: ['Cluster ‘gpu-🚀’ is STOPPED.'],
        attributes: { cluster_status: null, handle: null, retries: 3 },
        stacktrace: 'Traceback (most recent call last):\n  File "x.py", line 1\n',
      },
      {
        type: 'ClusterNotUpError',
        message: 'Cluster ‘gpu-🚀’ is STOPPED.',
        args: pyTuple('Cluster ‘gpu-🚀’ is STOPPED.'),
        attributes: { cluster_status: null, handle: null, retries: 3 },
        stacktrace: 'Traceback (most recent call last):\n  File "x.py", line 1\n',
      },
    ],
    [
      'no args',
      { type: 'RequestCancelled', message: 'cancelled', args: [] },
      { type: 'RequestCancelled', message: 'cancelled', args: pyTuple(), attributes: {}, stacktrace: null },
    ],
  ])('error object round trip: %s', (_name, input, expected) => {
    expect(unpickle(pickleErrorObject(input)).value).toEqual(expected);
  });
});
