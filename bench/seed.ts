/** Seeds a state store with the bench's clusters through the nightly's own state module. */
import { CloudVmRayResourceHandle } from '../src/state/cloudVmRayResourceHandle';
import { AWS, type Cloud, GCP, Kubernetes } from '../src/state/clouds';
import type { DbTarget } from '../src/db/dbTarget';
import { globalUserState } from '../src/state/globalUserState';
import { Resources } from '../src/state/resources';

function handle(name: string, cloud: Cloud, instanceType: string, region: string, nodes: number): CloudVmRayResourceHandle {
  return new CloudVmRayResourceHandle({
    clusterName: name,
    clusterNameOnCloud: `${name}-2ea4`,
    clusterYaml: `~/.sky/generated/${name}.yml`,
    launchedNodes: nodes,
    launchedResources: new Resources({ cloud, instanceType, region }),
    stableInternalExternalIps: Array.from({ length: nodes }, (_, i): [string, string] => [`10.0.0.${i + 1}`, `198.51.100.${i + 1}`]),
    stableSshPorts: Array.from({ length: nodes }, () => 22),
    sshUser: 'ubuntu',
  });
}

/** Five clusters, as the demo has: the same /status payload size for every variant. */
export async function seedState(target: DbTarget): Promise<void> {
  await globalUserState.init({ target });
  const clusters: [string, CloudVmRayResourceHandle, string][] = [
    ['dev', handle('dev', new AWS(), 'm6i.2xlarge', 'us-east-1', 1), 'default'],
    ['train', handle('train', new GCP(), 'a2-highgpu-8g', 'us-central1', 4), 'ml'],
    ['infer', handle('infer', new AWS(), 'g5.xlarge', 'us-west-2', 2), 'ml'],
    ['k8s-dev', handle('k8s-dev', new Kubernetes(), '4CPU--16GB', 'kind-ctx', 1), 'default'],
    ['k8s-gpu', handle('k8s-gpu', new Kubernetes(), '2CPU--8GB--H100:1', 'gke-ctx', 2), 'default'],
  ];
  await globalUserState.addOrUpdateUser({ id: 'b0b0b0b0', name: 'bench' });
  for (const [name, h, workspace] of clusters) {
    await globalUserState.addOrUpdateCluster({
      clusterName: name,
      handle: h,
      requestedResources: null,
      ready: true,
      userHash: 'b0b0b0b0',
      workspace,
      command: `sky launch -c ${name}`,
    });
  }
  await globalUserState.close();
}
