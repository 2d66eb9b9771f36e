/** Handles, resources and clouds come back from SQLite as class instances, with SkyPilot's strings. */
import { compileNamePattern } from '../../src/state/clusterNamePattern';
import { CloudVmRayResourceHandle } from '../../src/state/cloudVmRayResourceHandle';
import { AWS, GCP, Kubernetes } from '../../src/state/clouds';
import { stateQueries } from '../../src/state/stateQueries';
import { globalUserState } from '../../src/state/globalUserState';
import { KUBERNETES_INSTANCE_TYPE_FORMAT, KubernetesInstanceType } from '../../src/state/kubernetesInstanceType';
import { Resources } from '../../src/state/resources';
import { gcpA100, k8sH100, makeHandle, seedCluster } from '../helpers/fixtures';
import { useTempStateDb } from '../helpers/tempState';

useTempStateDb();

describe('handles round-trip through the state DB', () => {
  beforeAll(async () => {
    await seedCluster('aws-dev', { cloud: new AWS(), instanceType: 'm6i.2xlarge', region: 'us-east-1' });
    await seedCluster('k8s-small', { cloud: new Kubernetes(), instanceType: '4CPU--16GB', region: 'kind-ctx' });
    await seedCluster('gcp-train', gcpA100());
    await seedCluster('k8s-h100', k8sH100());
  });

  it('getClusterFromName returns a CloudVmRayResourceHandle with Resources and an AWS cloud', async () => {
    const record = await stateQueries.getClusterFromName('aws-dev');
    expect(record).not.toBeNull();
    const handle = record!.handle;
    expect(handle).toBeInstanceOf(CloudVmRayResourceHandle);
    expect(handle.launchedResources).toBeInstanceOf(Resources);
    expect(handle.launchedResources.cloud).toBeInstanceOf(AWS);
    expect(handle.launchedResources.instanceType).toBe('m6i.2xlarge');
    expect(handle.launchedResources.region).toBe('us-east-1');
    expect(handle.headIp).toBe('198.51.100.1');
    expect(handle.headSshPort).toBe(22);
    expect(handle.internalIps()).toEqual(['10.0.0.1']);
    expect(handle.hourlyPrice).toBeCloseTo(0.384);
    expect(handle.launchedResources.readable(handle.launchedNodes)).toBe('1x AWS(m6i.2xlarge)');
  });

  it('getClusters returns instances for every row, Kubernetes included', async () => {
    const all = await globalUserState.getClusters();
    expect(all.map((c) => c.name).sort()).toEqual(['aws-dev', 'gcp-train', 'k8s-h100', 'k8s-small']);
    for (const c of all) {
      expect(c.handle).toBeInstanceOf(CloudVmRayResourceHandle);
      expect(c.handle.launchedResources).toBeInstanceOf(Resources);
    }
    const k8s = all.find((c) => c.name === 'k8s-small')!;
    expect(k8s.handle.launchedResources.cloud).toBeInstanceOf(Kubernetes);
    expect(k8s.handle.launchedResources.instanceType).toBe('4CPU--16GB');
    expect(k8s.handle.launchedResources.cpusDisplay).toBe('4');
    expect(k8s.handle.launchedResources.memoryDisplay).toBe('16');
  });

  it.each([
    ['aws-dev', '1x AWS(m6i.2xlarge)'],
    ['gcp-train', "4x GCP(a2-highgpu-8g, {'A100': 8})"],
    ['k8s-h100', '2x Kubernetes(2CPU--8GB--H100:1)'],
  ])('%s displays as %s', async (name, expected) => {
    const record = await stateQueries.getClusterFromName(name);
    const handle = record!.handle;
    expect(handle.launchedResources.readable(handle.launchedNodes)).toBe(expected);
  });

  it('a GCP handle knows its cloud and accelerators', async () => {
    const record = await stateQueries.getClusterFromName('gcp-train');
    const resources = record!.handle.launchedResources;
    expect(resources.cloud).toBeInstanceOf(GCP);
    expect(resources.accelerators).toEqual({ A100: 8 });
    expect(resources.acceleratorsDisplay).toBe('A100:8');
  });

  it('a handle survives JSON and back unchanged', () => {
    const handle = makeHandle('x', gcpA100());
    const again = CloudVmRayResourceHandle.fromJSON(JSON.parse(JSON.stringify(handle)));
    expect(again).toBeInstanceOf(CloudVmRayResourceHandle);
    expect(again.toJSON()).toEqual(handle.toJSON());
    expect(again.launchedResources.cloud).toBeInstanceOf(GCP);
  });
});

describe('Kubernetes instance types', () => {
  it.each([
    ['4CPU--16GB', 4, 16, null, 0],
    ['0.5CPU--1.5GB', 0.5, 1.5, null, 0],
    ['4CPU--16GB--V100:1', 4, 16, 'V100', 1],
    ['2CPU--8GB--1H100', 2, 8, 'H100', 1],
  ])('%s parses', (name, cpus, mem, acc, count) => {
    expect(KubernetesInstanceType.isValid(name)).toBe(true);
    const parsed = KubernetesInstanceType.parse(name);
    expect(parsed.cpus).toBe(cpus);
    expect(parsed.memoryGb).toBe(mem);
    expect(parsed.acceleratorType).toBe(acc);
    expect(parsed.acceleratorCount).toBe(count);
  });

  it.each([
    ['4CPU-16GB', 'the separator is a double dash'],
    ['4cpu--16GB', 'CPU is literal upper case'],
    ['4CPU--16GiB', 'GB is literal'],
    ['4CPU--16GB--H100', 'neither :<count> nor a leading count'],
  ])('%s is refused (%s) with a message naming the format', (name) => {
    expect(KubernetesInstanceType.isValid(name)).toBe(false);
    expect(() => KubernetesInstanceType.parse(name)).toThrow(KUBERNETES_INSTANCE_TYPE_FORMAT);
    expect(() => KubernetesInstanceType.parse(name)).toThrow(/CPU--<memory>GB/);
    expect(() => KubernetesInstanceType.parse(name)).toThrow(name);
  });

  it('Resources refuses an invalid Kubernetes instance type', () => {
    expect(() => new Resources({ cloud: new Kubernetes(), instanceType: '4CPU-16GB' })).toThrow(/CPU--<memory>GB/);
  });

  it('Resources refuses an instance type a cloud does not know', () => {
    expect(() => new Resources({ cloud: new AWS(), instanceType: 'x9.huge' })).toThrow(/Unknown AWS instance type/);
  });

  it('names round to the current form', () => {
    expect(KubernetesInstanceType.parse('2CPU--8GB--1H100').name).toBe('2CPU--8GB--H100:1');
    expect(KubernetesInstanceType.parse('4CPU--16GB').name).toBe('4CPU--16GB');
  });
});

describe('cluster name patterns', () => {
  it.each([
    ['dev-*', 'dev-alice', true],
    ['dev-*', 'prod-alice', false],
    ['train-?', 'train-1', true],
    ['train-?', 'train-12', false],
    ['node-[12]', 'node-2', true],
    ['node-[!12]', 'node-2', false],
    ['node-[!12]', 'node-3', true],
    ['a.b', 'axb', false],
    ['a+b(c)', 'a+b(c)', true],
    ['[', '[', true],
  ])('%s matches %s: %s', (pattern, name, expected) => {
    expect(compileNamePattern(pattern).test(name)).toBe(expected);
  });
});
