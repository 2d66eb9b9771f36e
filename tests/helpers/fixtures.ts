/**
 * Domain fixtures: handles, resources and seeded clusters, built from the real classes so that
 * records behave as the server's own (instanceof checks, display strings, prices).
 */
import { randomUUID } from 'node:crypto';
import { CloudVmRayResourceHandle } from '../../src/state/cloudVmRayResourceHandle';
import { AWS, type Cloud, GCP, Kubernetes } from '../../src/state/clouds';
import { globalUserState } from '../../src/state/globalUserState';
import type { ClusterRecord } from '../../src/state/records';
import { Resources } from '../../src/state/resources';

export const USER_A = 'aaaa0001';
export const USER_B = 'bbbb0002';

export interface HandleSpec {
  cloud?: Cloud;
  instanceType?: string;
  region?: string | null;
  nodes?: number;
  ips?: [string, string][] | null;
  useSpot?: boolean;
}

export function makeHandle(name: string, spec: HandleSpec = {}): CloudVmRayResourceHandle {
  const nodes = spec.nodes ?? 1;
  const resources = new Resources({
    cloud: spec.cloud ?? new AWS(),
    instanceType: spec.instanceType ?? 'm6i.2xlarge',
    region: spec.region === undefined ? 'us-east-1' : spec.region,
    useSpot: spec.useSpot ?? false,
  });
  const ips =
    spec.ips === undefined
      ? Array.from({ length: nodes }, (_, i): [string, string] => [`10.0.0.${i + 1}`, `198.51.100.${i + 1}`])
      : spec.ips;
  return new CloudVmRayResourceHandle({
    clusterName: name,
    clusterNameOnCloud: `${name}-2ea4`,
    clusterYaml: `~/.sky/generated/${name}.yml`,
    launchedNodes: nodes,
    launchedResources: resources,
    stableInternalExternalIps: ips,
    stableSshPorts: Array.from({ length: nodes }, () => 22),
    sshUser: 'ubuntu',
  });
}

export interface SeedSpec extends HandleSpec {
  ready?: boolean;
  userHash?: string;
  workspace?: string;
  command?: string;
}

export async function seedCluster(name: string, spec: SeedSpec = {}): Promise<ClusterRecord> {
  return globalUserState.addOrUpdateCluster({
    clusterName: name,
    handle: makeHandle(name, spec),
    requestedResources: null,
    ready: spec.ready ?? true,
    userHash: spec.userHash ?? USER_A,
    workspace: spec.workspace ?? 'default',
    command: spec.command ?? `sky launch -c ${name}`,
  });
}

export const gcpA100 = (): HandleSpec => ({ cloud: new GCP(), instanceType: 'a2-highgpu-8g', region: 'us-central1', nodes: 4 });
export const k8sH100 = (): HandleSpec => ({ cloud: new Kubernetes(), instanceType: '2CPU--8GB--H100:1', region: 'kind-ctx', nodes: 2 });

/** A complete cluster record built in memory (for fakes that stand in for `getClusters`). */
export function makeClusterRecord(name: string, overrides: Partial<ClusterRecord> = {}): ClusterRecord {
  return {
    name,
    launchedAt: 1_760_000_000,
    handle: makeHandle(name),
    lastUse: `sky launch -c ${name}`,
    status: 'UP',
    autostop: -1,
    toDown: false,
    owner: null,
    metadata: {},
    clusterHash: randomUUID(),
    clusterEverUp: true,
    statusUpdatedAt: 1_760_000_000,
    configHash: null,
    userHash: USER_A,
    userName: 'alice',
    workspace: 'default',
    lastCreationYaml: null,
    lastCreationCommand: `sky launch -c ${name}`,
    isManaged: false,
    provisionLogPath: null,
    lastEvent: 'Cluster is up.',
    ...overrides,
  };
}

/** A pinned cluster recipe `dev` of USER_A's, as the dashboard's recipes pages list one. */
export async function seedRecipe(): Promise<void> {
  await globalUserState.upsertRecipe({
    name: 'dev',
    description: null,
    content: 'run: echo hi',
    recipeType: 'cluster',
    pinned: true,
    userHash: USER_A,
    createdAt: 1_760_000_000,
    updatedAt: 1_760_000_000,
  });
}
